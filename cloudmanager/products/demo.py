"""Demo catalog and EU VAT rates for `flask seed-demo` (idempotent)."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from cloudmanager.extensions import db
from cloudmanager.products.models import Product, ProductGroup, TaxRate
from cloudmanager.products.groups import save_group
from cloudmanager.products.services import archive_product, create_product
from cloudmanager.products.taxes import save_tax_rate

OPEN = None
SINCE = date(2020, 1, 1)

# (country, name, percent, valid_from, valid_to); DE shows the 2020 temporary cut.
EU_RATES = [
    ("DE", "VAT", "19", date(2007, 1, 1), date(2020, 6, 30)),
    ("DE", "VAT", "16", date(2020, 7, 1), date(2020, 12, 31)),
    ("DE", "VAT", "19", date(2021, 1, 1), OPEN),
    ("DE", "VAT reduced", "7", date(2007, 1, 1), date(2020, 6, 30)),
    ("DE", "VAT reduced", "5", date(2020, 7, 1), date(2020, 12, 31)),
    ("DE", "VAT reduced", "7", date(2021, 1, 1), OPEN),
    ("AT", "VAT", "20", SINCE, OPEN),
    ("BE", "VAT", "21", SINCE, OPEN),
    ("CZ", "VAT", "21", SINCE, OPEN),
    ("DK", "VAT", "25", SINCE, OPEN),
    ("EE", "VAT", "22", date(2024, 1, 1), date(2025, 6, 30)),
    ("EE", "VAT", "24", date(2025, 7, 1), OPEN),
    ("ES", "VAT", "21", SINCE, OPEN),
    ("FI", "VAT", "24", SINCE, date(2024, 8, 31)),
    ("FI", "VAT", "25.5", date(2024, 9, 1), OPEN),
    ("FR", "VAT", "20", SINCE, OPEN),
    ("FR", "VAT reduced", "5.5", SINCE, OPEN),
    ("IE", "VAT", "23", SINCE, OPEN),
    ("IT", "VAT", "22", SINCE, OPEN),
    ("LU", "VAT", "17", SINCE, OPEN),
    ("NL", "VAT", "21", SINCE, OPEN),
    ("PL", "VAT", "23", SINCE, OPEN),
    ("PT", "VAT", "23", SINCE, OPEN),
    ("RO", "VAT", "19", SINCE, date(2025, 7, 31)),
    ("RO", "VAT", "21", date(2025, 8, 1), OPEN),
    ("SE", "VAT", "25", SINCE, OPEN),
    ("SK", "VAT", "20", SINCE, date(2024, 12, 31)),
    ("SK", "VAT", "23", date(2025, 1, 1), OPEN),
]

GROUPS = [
    ("Cloud servers", "Virtual machines on NVMe storage in Frankfurt and Amsterdam."),
    ("Storage", "Block and S3-compatible object storage."),
    ("Backup", "Snapshots and off-site copies."),
    ("Kubernetes", "Managed Kubernetes clusters."),
    ("Support plans", "Response times and a named contact."),
    ("Professional services", "One-off work by our engineers."),
    ("Hardware", "Devices shipped to you."),
]


def _recurring(m, q=None, s=None, a=None):
    return {"monthly": m, "quarterly": q, "semiannual": s, "annual": a}


# sku, name, group, description, prices or one-off price, setup fee, tier, stock
CATALOG = [
    (
        "CS-S",
        "Cloud Server S",
        "Cloud servers",
        "2 vCPU, 4 GB RAM, 80 GB NVMe, 20 TB traffic.",
        _recurring("9.90", "28.50", "55.80", "106.80"),
        "0",
        "basic",
        None,
    ),
    (
        "CS-M",
        "Cloud Server M",
        "Cloud servers",
        "4 vCPU, 8 GB RAM, 160 GB NVMe, 20 TB traffic.",
        _recurring("19.90", "57.30", "111.60", "214.80"),
        "0",
        "basic",
        None,
    ),
    (
        "CS-L",
        "Cloud Server L",
        "Cloud servers",
        "8 vCPU, 32 GB RAM, 320 GB NVMe, 20 TB traffic.",
        _recurring("49.90", "143.70", "281.40", "538.80"),
        "0",
        "standard",
        None,
    ),
    (
        "BS-100",
        "Block Storage 100 GB",
        "Storage",
        "Replicated volume, attachable to any server.",
        _recurring("4.90", a="52.80"),
        "0",
        None,
        None,
    ),
    (
        "BS-1000",
        "Block Storage 1 TB",
        "Storage",
        "Replicated volume, attachable to any server.",
        _recurring("39.00", a="421.20"),
        "0",
        None,
        None,
    ),
    (
        "OBJ-250",
        "Object Storage 250 GB",
        "Storage",
        "S3-compatible bucket, 1 TB egress included.",
        _recurring("5.00", a="54.00"),
        "0",
        None,
        None,
    ),
    (
        "BKP-DAILY",
        "Daily Backups",
        "Backup",
        "Nightly snapshots kept for 7 days.",
        _recurring("3.00", a="32.40"),
        "0",
        None,
        None,
    ),
    (
        "BKP-OFFSITE",
        "Off-site Backup 30 days",
        "Backup",
        "Encrypted copy in a second region.",
        _recurring("12.00", q="34.20"),
        "0",
        None,
        None,
    ),
    (
        "K8S-STD",
        "Managed Kubernetes",
        "Kubernetes",
        "HA control plane, upgrades and monitoring.",
        _recurring("59.00", a="637.20"),
        "99.00",
        "standard",
        None,
    ),
    (
        "SUP-BASIC",
        "Support Basic",
        "Support plans",
        "Email support on business days.",
        _recurring("0.00"),
        "0",
        "basic",
        None,
    ),
    (
        "SUP-STANDARD",
        "Support Standard",
        "Support plans",
        "Email and phone, 8 h response.",
        _recurring("49.00", a="529.20"),
        "0",
        "standard",
        None,
    ),
    (
        "SUP-PREMIUM",
        "Support Premium",
        "Support plans",
        "24/7, 1 h response for urgent issues.",
        _recurring("199.00", a="2149.20"),
        "0",
        "premium",
        None,
    ),
    (
        "SVC-SETUP",
        "Server Setup",
        "Professional services",
        "OS hardening and monitoring setup.",
        "149.00",
        "0",
        None,
        None,
    ),
    (
        "SVC-MIGRATION",
        "Migration Service",
        "Professional services",
        "We move one server or site to our cloud, with a tested cut-over.",
        "390.00",
        "0",
        None,
        None,
    ),
    (
        "HW-KEY",
        "Hardware Security Key",
        "Hardware",
        "FIDO2/U2F key for 2FA, shipped in the EU.",
        "59.00",
        "0",
        None,
        40,
    ),
]


def seed_tax_rates() -> list[str]:
    """EU VAT rates with history; DE VAT is the default."""
    if db.session.scalar(select(TaxRate.id).limit(1)) is not None:
        return ["tax rates: already present"]
    for country, name, percent, start, end in EU_RATES:
        save_tax_rate(
            None,
            {
                "name": name,
                "country": country,
                "percent": Decimal(percent),
                "valid_from": start,
                "valid_to": end,
                "is_default": country == "DE" and name == "VAT" and end is None,
            },
        )
    return [f"tax rates: {len(EU_RATES)} created"]


def seed_catalog() -> list[str]:
    """Groups and products: servers, storage, backups, Kubernetes, support, services."""
    groups = {g.name: g for g in db.session.scalars(select(ProductGroup))}
    for position, (name, description) in enumerate(GROUPS):
        if name not in groups:
            groups[name] = save_group(
                None, {"name": name, "description": description, "position": position * 10}
            )
    existing = set(db.session.scalars(select(Product.sku)))
    created = 0
    for sku, name, group, description, price, setup, tier, stock in CATALOG:
        if sku in existing:
            continue
        recurring = isinstance(price, dict)
        create_product(
            {
                "sku": sku,
                "name": name,
                "description": description,
                "group_id": groups[group].id,
                "kind": "recurring" if recurring else "one_off",
                "currency": "EUR",
                "prices": price if recurring else {},
                "one_off_price": None if recurring else price,
                "setup_fee": setup,
                "support_tier": tier,
                "stock": stock,
                # support plans start at once; servers and storage wait for the payment
                "activate_on_order": group == "Support plans",
            }
        )
        created += 1
    if "CS-XS" not in existing:
        legacy = create_product(
            {
                "sku": "CS-XS",
                "name": "Cloud Server XS (legacy)",
                "group_id": groups["Cloud servers"].id,
                "kind": "recurring",
                "currency": "EUR",
                "prices": {"monthly": "4.50"},
                "description": "1 vCPU, 1 GB RAM; no longer sold.",
            }
        )
        archive_product(legacy)
        created += 1
    return [f"products: {created} created ({len(CATALOG) + 1} in the demo)"]
