"""Orders, services and recurring billing that bills each period exactly once."""

from datetime import date

import click
from flask import Blueprint

from cloudmanager.core.navigation import NavItem, register_nav

bp = Blueprint("orders", __name__, url_prefix="/orders")
services_bp = Blueprint("services", __name__, url_prefix="/services")
billing_bp = Blueprint("billing", __name__, url_prefix="/billing")

register_nav(NavItem("Orders", "cart", "orders.index", "orders.view", order=20))
register_nav(NavItem("Services", "hdd-stack", "services.index", "services.view", order=30))
register_nav(NavItem("Billing runs", "arrow-repeat", "billing.runs", "billing.view", order=75))


@billing_bp.cli.command("run")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), help="Bill as of this day.")
def billing_run_command(on) -> None:
    """Run the billing run now (renewals, cancellations, suspensions), as of --date."""
    from cloudmanager.orders.run_lock import RunInProgress, run_billing_exclusively

    try:
        run = run_billing_exclusively(on.date() if on else date.today(), trigger="cli")
    except RunInProgress as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(
        f"billing run {run.id} for {run.run_date}: {run.invoices_created} invoices, "
        f"{run.services_suspended} suspended, {run.services_unsuspended} resumed, "
        f"{run.services_cancelled} cancelled, {run.failed} failed"
    )


def _register_template_globals() -> None:
    from cloudmanager.orders import models

    # globals, not a context processor: the macros and the customer tabs need them too
    for name in ("ORDER_STATUSES", "ORDER_BADGES", "SERVICE_STATUSES", "SERVICE_BADGES"):
        bp.add_app_template_global(getattr(models, name), name.lower())


def _register_hooks() -> None:
    from cloudmanager.customers.services import register_history_check
    from cloudmanager.customers.tabs import CustomerTab, register_customer_tab
    from cloudmanager.invoices.payments import register_paid_hook
    from cloudmanager.orders.hooks import customer_order_count, on_invoice_paid
    from cloudmanager.orders.service_views import orders_tab, services_tab
    from cloudmanager.orders.views import product_was_sold
    from cloudmanager.products.services import register_sales_check

    register_paid_hook(on_invoice_paid)
    register_sales_check(product_was_sold)
    register_history_check(customer_order_count)
    register_customer_tab(
        CustomerTab("services", "Services", "hdd-stack", "services.view", services_tab)
    )
    register_customer_tab(CustomerTab("orders", "Orders", "cart", "orders.view", orders_tab))


from cloudmanager.orders import jobs, views  # noqa: E402,F401

_register_hooks()
_register_template_globals()
