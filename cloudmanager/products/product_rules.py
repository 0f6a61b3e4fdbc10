"""The rules a product's values follow, checked by the product services before any write."""

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from cloudmanager.extensions import db
from cloudmanager.products.currencies import is_currency
from cloudmanager.products.models import (
    BILLING_CYCLES,
    ONE_OFF,
    PRODUCT_KINDS,
    RECURRING,
    SUPPORT_TIERS,
    Product,
    ProductGroup,
    TaxRate,
)
from cloudmanager.products.validation import SKU_PATTERN, Errors, parse_amount


def clean_product(data: dict[str, Any], product: Product | None) -> dict[str, Any]:
    """Check every rule for `product` (None: a new one); clean values, or ValidationFailed."""
    errors = Errors()
    clean: dict[str, Any] = {}
    sku = (data.get("sku") or "").strip()
    if not SKU_PATTERN.match(sku):
        errors["sku"] = "Use 1–64 letters, digits, dots, dashes or underscores."
    else:
        clash = db.session.scalar(select(Product.id).where(func.lower(Product.sku) == sku.lower()))
        if clash is not None and (product is None or clash != product.id):
            errors["sku"] = "Another product already uses this SKU."
    clean["sku"] = sku
    clean["name"] = (data.get("name") or "").strip()
    if not clean["name"]:
        errors["name"] = "Enter a name."
    clean["description"] = (data.get("description") or "").strip()
    kind = data.get("kind") or RECURRING
    if kind not in PRODUCT_KINDS:
        errors["kind"] = "Choose one-off or recurring."
    clean["kind"] = kind
    currency = (data.get("currency") or "").strip().upper()
    if not is_currency(currency):
        errors["currency"] = "Unknown currency: use an ISO 4217 code such as EUR."
    clean["currency"] = currency
    clean["setup_fee"] = errors.check("setup_fee", parse_amount, data.get("setup_fee") or "0")
    _clean_prices(data, kind, clean, errors)
    _clean_references(data, clean, errors)
    errors.raise_if_any()
    return clean


def _clean_prices(data: dict[str, Any], kind: str, clean: dict[str, Any], errors: Errors):
    prices: dict[str, Decimal] = {}
    for cycle, value in (data.get("prices") or {}).items():
        if cycle not in BILLING_CYCLES:
            errors[f"price_{cycle}"] = "Unknown billing cycle."
        elif value not in (None, ""):
            amount = errors.check(f"price_{cycle}", parse_amount, value)
            if amount is not None:
                prices[cycle] = amount
    one_off = data.get("one_off_price")
    clean["one_off_price"] = None
    if kind == ONE_OFF:
        if one_off in (None, ""):
            errors["one_off_price"] = "A one-off product needs a price."
        else:
            clean["one_off_price"] = errors.check("one_off_price", parse_amount, one_off)
        if prices:
            errors["prices"] = "One-off products have no billing cycles."
    elif kind == RECURRING and not prices and not any(k.startswith("price_") for k in errors):
        errors["prices"] = "Offer at least one billing cycle with a price."
    clean["prices"] = prices


def _clean_references(data: dict[str, Any], clean: dict[str, Any], errors: Errors):
    group_id = data.get("group_id") or None
    if group_id is not None and db.session.get(ProductGroup, int(group_id)) is None:
        errors["group_id"] = "Choose an existing group."
    clean["group_id"] = int(group_id) if group_id is not None else None
    rate_id = data.get("tax_rate_id") or None
    if rate_id is not None and db.session.get(TaxRate, int(rate_id)) is None:
        errors["tax_rate_id"] = "Choose an existing tax rate."
    clean["tax_rate_id"] = int(rate_id) if rate_id is not None else None
    tier = data.get("support_tier") or None
    if tier is not None and tier not in SUPPORT_TIERS:
        errors["support_tier"] = "Choose basic, standard or premium."
    clean["support_tier"] = tier
    stock = data.get("stock")
    if stock in (None, ""):
        clean["stock"] = None
    else:
        try:
            clean["stock"] = int(stock)
        except (TypeError, ValueError):
            clean["stock"] = -1
        if clean["stock"] < 0:
            errors["stock"] = "Stock is a whole number, 0 or more (empty for unlimited)."
    clean["active"] = bool(data.get("active", True))
    clean["visible_in_portal"] = bool(data.get("visible_in_portal", True))
    clean["activate_on_order"] = bool(data.get("activate_on_order", False))
