"""The catalog: products, product groups, prices per billing cycle, and tax rates."""

from flask import Blueprint

from cloudmanager.core.navigation import NavItem, register_nav
from cloudmanager.core.permissions import can

bp = Blueprint("products", __name__, url_prefix="/products")
bp.add_app_template_global(can, "can")

register_nav(NavItem("Products", "box-seam", "products.index", "products.view", order=60))

from cloudmanager.dashboard.cards import register_cards  # noqa: E402
from cloudmanager.products.cards import low_stock_cards  # noqa: E402

register_cards(low_stock_cards, permission="products.view")

from cloudmanager.products import tax_views, views  # noqa: E402,F401
