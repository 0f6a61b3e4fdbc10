"""Customers: the CRM at the center of orders, services, invoices and tickets."""

from flask import Blueprint

from cloudmanager.core.navigation import NavItem, register_nav

bp = Blueprint("customers", __name__, url_prefix="/customers")

register_nav(NavItem("Customers", "people", "customers.index", "customers.view", order=10))

from cloudmanager.customers import import_views, views  # noqa: E402,F401
