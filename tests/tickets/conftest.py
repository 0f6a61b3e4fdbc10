"""Ticket test factories: customers with contacts, tickets, raw emails."""

import itertools

import pytest

_numbers = itertools.count(1)


@pytest.fixture
def make_customer(db):
    """A customer with one contact: `make_customer(name=…, contact_email=…, receives_sms=…)`."""
    from cloudmanager.customers.models import Contact, Customer

    def factory(name=None, contact_email=None, **contact_fields):
        n = next(_numbers)
        customer = Customer(
            number=f"C-{900000 + n}",
            name=name or f"Customer {n}",
            email=f"billing{n}@customer{n}.example",
            country="DE",
        )
        contact = Contact(
            customer=customer,
            name=contact_fields.pop("contact_name", f"Contact {n}"),
            email=contact_email or f"contact{n}@customer{n}.example",
            is_primary=True,
            **contact_fields,
        )
        db.session.add_all([customer, contact])
        db.session.commit()
        return customer

    return factory


@pytest.fixture
def make_ticket(db, make_customer):
    """Open a ticket through the service: `make_ticket(customer=…, priority=…)`."""
    from cloudmanager.tickets.services import open_ticket

    def factory(customer=None, **fields):
        customer = customer or make_customer()
        fields.setdefault("subject", "The server does not boot")
        fields.setdefault("body", "Since this morning our VM hangs at boot.")
        fields.setdefault("department", "Technical support")
        ticket = open_ticket(requester=customer.contacts[0], **fields)
        db.session.commit()
        return ticket

    return factory
