"""Products: create, change, price, reserve stock, archive.

Other modules call `product_price`, `ensure_sellable`, `reserve_stock` and
`release_stock`; the orders module registers a sales check with
`register_sales_check` so products that were sold are archived, not deleted.
"""

from decimal import Decimal
from typing import Any, Callable

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError

from cloudmanager.core.audit import audit, changed_fields
from cloudmanager.core.errors import Conflict, NotFound, ValidationFailed
from cloudmanager.core.pagination import Page, keyset_page
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.products.models import CYCLE_MONTHS, ONE_OFF, Product, ProductPrice
from cloudmanager.products.product_rules import clean_product
from cloudmanager.products.stock import ensure_sellable, release_stock, reserve_stock  # noqa: F401

PRODUCT_FIELDS = (
    "sku name description group_id kind currency one_off_price setup_fee tax_rate_id "
    "support_tier active visible_in_portal activate_on_order stock"
).split()

SALES_CHECKS: list[Callable[[int], bool]] = []


def register_sales_check(check: Callable[[int], bool]) -> None:
    """Let a module (orders) say whether a product id has been sold."""
    if check not in SALES_CHECKS:
        SALES_CHECKS.append(check)


def product_has_sales(product: Product) -> bool:
    """True when any registered module has sold this product."""
    return any(check(product.id) for check in SALES_CHECKS)


def get_product(product_id: int) -> Product:
    """The product with this id, or NotFound."""
    product = db.session.get(Product, product_id)
    if product is None:
        raise NotFound("This product does not exist.")
    return product


def product_data(product: Product) -> dict[str, Any]:
    """The product's values in the shape `create_product`/`update_product` take."""
    data: dict[str, Any] = {name: getattr(product, name) for name in PRODUCT_FIELDS}
    data["prices"] = {price.cycle: price.amount for price in product.prices}
    return data


def product_snapshot(product: Product) -> dict[str, Any]:
    """The audited state of a product, prices included."""
    from cloudmanager.core.audit import json_safe

    return json_safe(product_data(product))


def _apply(product: Product, clean: dict[str, Any]) -> None:
    for name in PRODUCT_FIELDS:
        setattr(product, name, clean[name])
    existing = {price.cycle: price for price in product.prices}
    for cycle, price in existing.items():
        if cycle not in clean["prices"]:
            product.prices.remove(price)
    for cycle, amount in clean["prices"].items():
        if cycle in existing:
            existing[cycle].amount = amount
        else:
            product.prices.append(
                ProductPrice(cycle=cycle, months=CYCLE_MONTHS[cycle], amount=amount)
            )


def _flush_product() -> None:
    """Flush; a SKU taken by a concurrent request since the check is a field error."""
    try:
        db.session.flush()
    except IntegrityError as exc:
        if "sku" not in str(exc.orig).lower():
            raise
        raise ValidationFailed({"sku": "Another product already uses this SKU."}) from exc


def create_product(data: dict[str, Any], *, by: Any = None) -> Product:
    """Add a product to the catalog (audited)."""
    clean = clean_product(data, None)
    product = Product()
    _apply(product, clean)
    db.session.add(product)
    _flush_product()
    audit(
        "product.created",
        product,
        after=product_snapshot(product),
        actor=by,
        summary=f"Created product {product.sku}",
    )
    return product


def update_product(product: Product, data: dict[str, Any], *, by: Any = None) -> dict:
    """Change a product; returns the changed fields (audited when anything changed)."""
    if product.is_archived:
        raise Conflict("Archived products cannot be edited; restore it first.")
    before = product_snapshot(product)
    _apply(product, clean_product(data, product))
    _flush_product()
    changes = changed_fields(before, product_snapshot(product))
    if changes:
        audit(
            "product.updated",
            product,
            before={k: v[0] for k, v in changes.items()},
            after={k: v[1] for k, v in changes.items()},
            actor=by,
            summary=f"Changed product {product.sku}",
        )
    return changes


def archive_product(product: Product, *, by: Any = None) -> None:
    """Take a product off sale for good, keeping it for old orders and invoices."""
    if product.is_archived:
        return
    product.archived_at = utcnow()
    product.active = False
    product.visible_in_portal = False
    audit(
        "product.archived",
        product,
        after={"archived": True},
        actor=by,
        summary=f"Archived product {product.sku}",
    )


def restore_product(product: Product, *, by: Any = None) -> None:
    """Bring an archived product back (inactive until someone activates it)."""
    if not product.is_archived:
        return
    product.archived_at = None
    audit(
        "product.restored",
        product,
        after={"archived": False},
        actor=by,
        summary=f"Restored product {product.sku}",
    )


def delete_product(product: Product, *, by: Any = None) -> None:
    """Delete a product that was never sold; sold products must be archived."""
    if product_has_sales(product):
        raise Conflict("This product has been sold: archive it instead of deleting it.")
    audit(
        "product.deleted",
        product,
        before=product_snapshot(product),
        actor=by,
        summary=f"Deleted product {product.sku}",
    )
    db.session.delete(product)


def product_price(product: Product, cycle: str | None) -> Decimal:
    """The unit price of `product` for `cycle` (None or "one_off" for one-off products)."""
    if product.kind == ONE_OFF:
        if cycle not in (None, "one_off", ONE_OFF):
            raise ValidationFailed({"cycle": "A one-off product has no billing cycle."})
        return product.one_off_price
    for price in product.prices:
        if price.cycle == cycle:
            return price.amount
    raise ValidationFailed({"cycle": f"{product.name} is not offered {cycle or 'one-off'}."})


def filtered_products(
    *, q: str = "", group_id: int | None = None, status: str = "active"
) -> Select:
    """The SELECT of products matching search text (name or SKU), group and status."""
    stmt = select(Product)
    if q:
        pattern = f"%{q.strip().lower()}%"
        stmt = stmt.where(
            or_(func.lower(Product.name).like(pattern), func.lower(Product.sku).like(pattern))
        )
    if group_id:
        stmt = stmt.where(Product.group_id == group_id)
    if status == "active":
        stmt = stmt.where(Product.archived_at.is_(None))
    elif status == "archived":
        stmt = stmt.where(Product.archived_at.is_not(None))
    return stmt


def list_products(
    *,
    q: str = "",
    group_id: int | None = None,
    status: str = "active",
    cursor: str | None = None,
    size: int = 25,
) -> Page:
    """One page of products by name, filtered by search text, group and status."""
    stmt = filtered_products(q=q, group_id=group_id, status=status)
    return keyset_page(stmt, [Product.name, Product.id], cursor=cursor, size=size)
