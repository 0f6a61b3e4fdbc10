"""Factories for orders tests: products, orders, accepted services; jobs captured (customers: tests/fixtures/billing.py)."""

import itertools
from datetime import date

import pytest

from tests.fixtures import billing

# The shared customer fixtures (tests/fixtures/billing.py), for this folder only.
admin, customer, jobs, vat = billing.admin, billing.customer, billing.jobs, billing.vat


@pytest.fixture
def make_customer(db, admin, vat, jobs):
    """The shared customer factory, with jobs captured (no PDFs or emails here)."""
    return billing.customer_factory(db, admin)


@pytest.fixture
def make_product(db, vat):
    """Create a product: recurring by default (monthly 10.00, annual 100.00)."""
    from cloudmanager.products.services import create_product

    counter = itertools.count(1)

    def factory(**changes):
        n = next(counter)
        data = {
            "sku": f"P-{n}",
            "name": f"Cloud Server {n}",
            "kind": "recurring",
            "currency": "EUR",
            "prices": {"monthly": "10.00", "annual": "100.00"},
            "setup_fee": "0",
            "support_tier": "basic",
            "stock": None,
            "active": True,
            "visible_in_portal": True,
        }
        data.update(changes)
        product = create_product(data)
        db.session.commit()
        return product

    return factory


@pytest.fixture
def server(make_product):
    """Cloud Server M: monthly 10.00 or annual 100.00, setup fee 5.00."""
    return make_product(name="Cloud Server M", setup_fee="5.00")


@pytest.fixture
def migration(make_product):
    """A one-off product: migration service for 50.00."""
    return make_product(
        name="Migration", kind="one_off", prices={}, one_off_price="50.00", support_tier=None
    )


@pytest.fixture
def make_order(db, admin, customer):
    """Create and commit a pending order: `make_order([{"product_id": …, "cycle": …}])`."""
    from cloudmanager.orders.orders import create_order

    def factory(lines, for_customer=None, by=None, **data):
        order = create_order(
            {"customer_id": str((for_customer or customer).id), "lines": lines, **data},
            by=by or admin,
        )
        db.session.commit()
        return order

    return factory


@pytest.fixture
def make_service(db, admin, make_order, server):
    """An accepted, active monthly service starting on `on` (default 2026-01-31)."""
    from cloudmanager.orders.accept import accept_order
    from cloudmanager.orders.lifecycle import activate_service

    def factory(
        on=date(2026, 1, 31), product=None, cycle="monthly", quantity=1, discount="0", **kw
    ):
        line = {"product_id": str((product or server).id), "cycle": cycle, "quantity": quantity}
        order = make_order([{**line, "discount": discount}], **kw)
        accept_order(order, by=admin, on=on)
        db.session.commit()
        service = order.lines[0]
        from sqlalchemy import select

        from cloudmanager.orders.models import Service

        service = db.session.scalar(select(Service).where(Service.order_line_id == service.id))
        activate_service(service, by=admin)
        db.session.commit()
        return service

    return factory
