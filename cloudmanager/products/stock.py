"""Stock of limited products: reserve atomically so two racing orders never oversell."""

from sqlalchemy import update

from cloudmanager.core.errors import Conflict, ValidationFailed
from cloudmanager.extensions import db
from cloudmanager.products.models import Product


def ensure_sellable(product: Product) -> None:
    """Refuse archived or inactive products (orders call this before selling)."""
    if product.is_archived or not product.active:
        raise Conflict(f"{product.name} is not on sale.")


def reserve_stock(product: Product, quantity: int) -> None:
    """Take `quantity` from a limited stock atomically; Conflict when not enough is left.

    One conditional UPDATE: of two racing orders the second waits for the
    first's row lock, re-reads the stock and matches no row instead of overselling.
    """
    if quantity <= 0:
        raise ValidationFailed({"quantity": "Order at least one."})
    result = db.session.execute(
        update(Product)
        .where(Product.id == product.id, Product.stock.is_not(None), Product.stock >= quantity)
        .values(stock=Product.stock - quantity)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(product, ["stock"])
    if result.rowcount == 1 or product.stock is None:
        return
    raise Conflict(f"Only {product.stock} of {product.name} left in stock.", field="quantity")


def release_stock(product: Product, quantity: int) -> None:
    """Give back stock taken by `reserve_stock` (a cancelled order)."""
    db.session.execute(
        update(Product)
        .where(Product.id == product.id, Product.stock.is_not(None))
        .values(stock=Product.stock + quantity)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(product, ["stock"])
