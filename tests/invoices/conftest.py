"""Factories for the invoices tests: tax rates, drafts and issued invoices (customers: tests/fixtures/billing.py)."""

from datetime import date
from decimal import Decimal

import pytest

from tests.fixtures import billing

# The shared customer fixtures (tests/fixtures/billing.py), for this folder only.
admin, customer, make_customer = billing.admin, billing.customer, billing.make_customer


@pytest.fixture
def vat(db):
    """German VAT: 19% standard (default) and 7% reduced, valid since 2020."""
    from cloudmanager.products.models import TaxRate

    standard = TaxRate(
        name="VAT", country="DE", percent=Decimal("19.00"), valid_from=date(2020, 1, 1)
    )
    standard.is_default = True
    reduced = TaxRate(
        name="Reduced", country="DE", percent=Decimal("7.00"), valid_from=date(2020, 1, 1)
    )
    db.session.add_all([standard, reduced])
    db.session.commit()
    return {"standard": standard, "reduced": reduced}


def line(description="Cloud Server M", quantity="1", unit_price="100.00", **extra):
    """An editor row as the form posts it."""
    return {"description": description, "quantity": quantity, "unit_price": unit_price, **extra}


@pytest.fixture
def make_draft(db, admin, customer):
    """Create and commit a draft: `make_draft(lines=[line(...)], customer=…)`."""
    from cloudmanager.invoices.drafts import create_draft

    def factory(lines=None, for_customer=None, **data):
        invoice = create_draft(
            for_customer or customer, {"lines": lines or [line()], **data}, by=admin
        )
        db.session.commit()
        return invoice

    return factory


@pytest.fixture
def make_issued(db, admin, make_draft):
    """Create, issue and commit an invoice (same arguments as make_draft, plus `on`)."""
    from cloudmanager.invoices.issuing import issue_invoice

    def factory(lines=None, on=None, **data):
        invoice = issue_invoice(make_draft(lines, **data), by=admin, on=on)
        db.session.commit()
        return invoice

    return factory
