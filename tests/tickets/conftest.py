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


@pytest.fixture
def make_service(db):
    """A service of `customer` on a product of support `tier`: `make_service(customer, "premium")`."""
    from datetime import date
    from decimal import Decimal

    from cloudmanager.orders.models import Service
    from cloudmanager.products.models import Product

    def factory(customer, tier, status="active"):
        n = next(_numbers)
        product = Product(sku=f"SUP-{n}", name=f"{tier} support plan {n}", support_tier=tier)
        service = Service(
            customer=customer,
            product=product,
            name=product.name,
            cycle="monthly",
            unit_price=Decimal("10"),
            status=status,
            period_anchor=date(2026, 11, 1),
            next_due_date=date(2026, 12, 1),
        )
        db.session.add_all([product, service])
        db.session.commit()
        return service

    return factory


@pytest.fixture
def helpdesk_settings(db):
    """Store helpdesk settings through the settings service: `helpdesk_settings(key=value)`."""
    from cloudmanager.settings.services import update_settings

    def store(**values):
        update_settings({f"helpdesk.{key}": value for key, value in values.items()})
        db.session.commit()

    return store
