"""The demo catalog: realistic, with EU VAT rates and a default, and safe to seed twice."""

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from cloudmanager.products.demo import seed_catalog, seed_tax_rates
from cloudmanager.products.models import Product, TaxRate
from cloudmanager.products.taxes import select_tax_rate


def test_demo_seeds_servers_storage_backups_support_and_services_once(db):
    seed_tax_rates()
    seed_catalog()
    seed_catalog()
    skus = set(db.session.scalars(select(Product.sku)))
    assert {
        "CS-S",
        "CS-M",
        "CS-L",
        "BS-100",
        "OBJ-250",
        "BKP-DAILY",
        "K8S-STD",
        "SUP-BASIC",
        "SUP-STANDARD",
        "SUP-PREMIUM",
        "SVC-SETUP",
        "SVC-MIGRATION",
    } <= skus
    assert db.session.scalar(select(func.count(Product.id))) == len(skus)
    tiers = set(db.session.scalars(select(Product.support_tier).where(Product.sku.like("SUP-%"))))
    assert tiers == {"basic", "standard", "premium"}


def test_demo_tax_rates_cover_the_eu_with_a_german_default(db):
    seed_tax_rates()
    assert seed_tax_rates() == ["tax rates: already present"]
    today = date(2026, 11, 26)
    expected = {
        "DE": "19",
        "FR": "20",
        "NL": "21",
        "AT": "20",
        "IT": "22",
        "ES": "21",
        "BE": "21",
        "IE": "23",
        "PL": "23",
        "SE": "25",
        "FI": "25.5",
    }
    for country, percent in expected.items():
        assert select_tax_rate(country=country, on_date=today).percent == Decimal(percent)
    assert select_tax_rate(country="DE", on_date=date(2020, 9, 1)).percent == Decimal("16")
    default = db.session.scalar(select(TaxRate).where(TaxRate.is_default))
    assert (default.country, default.name, default.valid_to) == ("DE", "VAT", None)
