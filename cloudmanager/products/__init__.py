"""The catalog: products, product groups, prices per billing cycle, and tax rates."""

from flask import Blueprint

from cloudmanager.core.navigation import NavItem, register_nav
from cloudmanager.core.permissions import can

bp = Blueprint("products", __name__, url_prefix="/products")
bp.add_app_template_global(can, "can")

register_nav(NavItem("Products", "box-seam", "products.index", "products.view", order=60))

from cloudmanager.products import tax_views, views  # noqa: E402,F401
