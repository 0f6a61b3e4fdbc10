"""Portal fixtures: customers with contacts, portal users, a signed-in portal client."""

import itertools

import pytest

from tests.fixtures.users import PASSWORD

_numbers = itertools.count(1)


@pytest.fixture
def make_contact(db):
    """A new customer with one contact: `make_contact(email=…)`."""
    from cloudmanager.customers.models import Contact, Customer

    def factory(email=None, name=None):
        n = next(_numbers)
        customer = Customer(
            number=f"C-{800000 + n}",
            name=name or f"Portal Customer {n}",
            email=f"office{n}@portal{n}.example",
            country="DE",
        )
        contact = Contact(
            customer=customer, name=f"Pat Portal {n}", email=email or f"pat{n}@portal{n}.example"
        )
        db.session.add_all([customer, contact])
        db.session.commit()
        return contact

    return factory


@pytest.fixture
def make_portal_user(db, make_contact):
    """A contact with an active portal account and a password."""
    from cloudmanager.auth.passwords import hash_password
    from cloudmanager.auth.services import new_session_stamp
    from cloudmanager.portal.models import PortalUser

    def factory(contact=None, **fields):
        contact = contact or make_contact()
        user = PortalUser(
            contact=contact,
            email=contact.email,
            name=contact.name,
            password_hash=hash_password(PASSWORD),
            session_stamp=new_session_stamp(),
            **fields,
        )
        db.session.add(user)
        db.session.commit()
        return user

    return factory


@pytest.fixture
def portal_login(client):
    """Sign the test client in as a portal user (session only, like `login_as`)."""

    def sign_in(user):
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return user

    return sign_in
