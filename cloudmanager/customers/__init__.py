"""Customers: the CRM at the center of orders, services, invoices and tickets."""

from flask import Blueprint

from cloudmanager.core.navigation import NavItem, register_nav
from cloudmanager.periodic import register_periodic

bp = Blueprint("customers", __name__, url_prefix="/customers")

register_nav(NavItem("Customers", "people", "customers.index", "customers.view", order=10))
# The search index's upkeep (a job in its own right: it takes no arguments).
register_periodic(
    "customers.compact_search_index", 24 * 3600, "cloudmanager.customers.search_index.compact"
)

from cloudmanager.customers import contact_views, import_views, views  # noqa: E402,F401
