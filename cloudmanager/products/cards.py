"""The catalog's dashboard figure: limited products about to run out."""

from typing import Any

from flask import url_for
from sqlalchemy import func, select

from cloudmanager.dashboard.cards import StatCard
from cloudmanager.extensions import db
from cloudmanager.products.models import Product

LOW_STOCK = 5


def low_stock_cards(user: Any) -> list[StatCard]:
    """A card when products on sale have `LOW_STOCK` or fewer left (one query)."""
    low = db.session.scalar(
        select(func.count(Product.id)).where(
            Product.archived_at.is_(None), Product.active, Product.stock <= LOW_STOCK
        )
    )
    if not low:
        return []
    return [
        StatCard(
            "Products low on stock",
            low,
            icon="box-seam",
            tone="warning",
            order=60,
            url=url_for("products.index"),
            hint=f"{LOW_STOCK} or fewer left",
        )
    ]
