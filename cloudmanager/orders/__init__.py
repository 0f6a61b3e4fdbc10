"""Orders, services and recurring billing that bills each period exactly once."""

from flask import Blueprint

from cloudmanager.core.navigation import NavItem, register_nav

bp = Blueprint("orders", __name__)

register_nav(NavItem("Orders", "cart", "orders.index", "orders.view", order=20))
register_nav(NavItem("Services", "hdd-stack", "orders.services", "services.view", order=30))
register_nav(
    NavItem("Billing runs", "arrow-repeat", "orders.billing_runs", "billing.view", order=75)
)


def _register_hooks() -> None:
    from cloudmanager.invoices.payments import register_paid_hook
    from cloudmanager.orders.hooks import on_invoice_paid
    from cloudmanager.orders.views import product_was_sold
    from cloudmanager.products.services import register_sales_check

    register_paid_hook(on_invoice_paid)
    register_sales_check(product_was_sold)


from cloudmanager.orders import jobs, views  # noqa: E402,F401

_register_hooks()
