"""Staff pages for orders, services and billing runs."""

from sqlalchemy import select

from cloudmanager.extensions import db
from cloudmanager.orders.models import OrderLine


def product_was_sold(product_id: int) -> bool:
    """True when an order line names the product (it must then be archived, not deleted)."""
    return (
        db.session.scalar(select(OrderLine.id).where(OrderLine.product_id == product_id).limit(1))
        is not None
    )
