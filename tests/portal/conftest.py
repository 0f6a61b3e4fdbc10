"""Portal fixtures: customers with contacts, portal users, a signed-in portal client."""

import itertools

import pytest

from tests.fixtures import billing
from tests.fixtures.users import PASSWORD

_numbers = itertools.count(1)

# Jobs captured and German VAT, as in the billing tests (tests/fixtures/billing.py).
jobs, vat = billing.jobs, billing.vat


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


@pytest.fixture
def staff(make_user):
    """The admin who issues invoices and accepts orders in these tests."""
    return make_user("admin")


@pytest.fixture
def make_invoice(db, staff, vat):
    """An issued invoice of `user`'s customer: `make_invoice(user, "100.00", issue=True)`."""
    from cloudmanager.invoices.drafts import create_draft
    from cloudmanager.invoices.issuing import issue_invoice

    def factory(user, unit_price="100.00", *, issue=True, on=None, description="Cloud Server M"):
        line = {"description": description, "quantity": "1", "unit_price": unit_price}
        invoice = create_draft(user.contact.customer, {"lines": [line]}, by=staff)
        if issue:
            issue_invoice(invoice, by=staff, on=on)
        db.session.commit()
        return invoice

    return factory


@pytest.fixture
def make_product(db, vat):
    """A product of the portal catalog (recurring: monthly 10.00, annual 100.00)."""
    from cloudmanager.products.services import create_product

    counter = itertools.count(1)

    def factory(**changes):
        n = next(counter)
        data = {
            "sku": f"PORTAL-{n}",
            "name": f"Portal Server {n}",
            "kind": "recurring",
            "currency": "EUR",
            "prices": {"monthly": "10.00", "annual": "100.00"},
            "setup_fee": "0",
            "active": True,
            "visible_in_portal": True,
            **changes,
        }
        product = create_product(data)
        db.session.commit()
        return product

    return factory


@pytest.fixture
def make_service(db, staff, make_product):
    """An accepted order of `user`'s customer and its service: `make_service(user, active=True)`."""
    from sqlalchemy import select

    from cloudmanager.orders.accept import accept_order
    from cloudmanager.orders.lifecycle import activate_service
    from cloudmanager.orders.models import Service
    from cloudmanager.orders.orders import create_order

    def factory(user, *, product=None, active=True, on=None):
        product = product or make_product()
        line = {"product_id": str(product.id), "cycle": "monthly"}
        order = create_order({"customer_id": str(user.customer_id), "lines": [line]}, by=staff)
        accept_order(order, by=staff, on=on)
        db.session.commit()
        service = db.session.scalar(
            select(Service).where(Service.order_line_id == order.lines[0].id)
        )
        if active:
            activate_service(service, by=staff)
            db.session.commit()
        return service

    return factory
