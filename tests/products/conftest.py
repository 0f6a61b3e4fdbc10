"""Factories for catalog rows: tax rates and products."""

from datetime import date
from decimal import Decimal

import pytest


@pytest.fixture
def make_rate(db):
    """Create a tax rate: `make_rate("DE", "19", valid_from=…, name="VAT", is_default=False)`."""
    from cloudmanager.products.taxes import save_tax_rate

    def factory(
        country="DE",
        percent="19",
        *,
        name="VAT",
        valid_from=date(2020, 1, 1),
        valid_to=None,
        is_default=False,
    ):
        rate = save_tax_rate(
            None,
            {
                "name": name,
                "country": country,
                "percent": Decimal(percent),
                "valid_from": valid_from,
                "valid_to": valid_to,
                "is_default": is_default,
            },
        )
        db.session.commit()
        return rate

    return factory


@pytest.fixture
def product_data(app):
    """Valid input for a recurring product; tests change one thing at a time."""

    def build(**changes):
        data = {
            "sku": "CS-M",
            "name": "Cloud Server M",
            "kind": "recurring",
            "currency": "EUR",
            "prices": {"monthly": "19.90", "annual": "214.80"},
            "setup_fee": "0",
            "support_tier": "basic",
            "stock": None,
            "active": True,
            "visible_in_portal": True,
        }
        data.update(changes)
        return data

    return build


@pytest.fixture
def make_product(db, product_data):
    """Create a product from `product_data(**changes)`."""
    from cloudmanager.products.services import create_product

    counter = {"n": 0}

    def factory(**changes):
        counter["n"] += 1
        changes.setdefault("sku", f"SKU-{counter['n']}")
        product = create_product(product_data(**changes))
        db.session.commit()
        return product

    return factory
