"""Staff pages for services (list, detail, actions, plan change) and billing runs."""

from flask import flash, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from cloudmanager.core.errors import DomainError, NotFound, ValidationFailed
from cloudmanager.core.htmx import redirect_to, render_page
from cloudmanager.core.pagination import clamp_page_size
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.infra.queue import enqueue
from cloudmanager.orders import billing_bp, services_bp
from cloudmanager.orders import lifecycle as lc
from cloudmanager.orders.forms import BillingRunForm, ChangeServiceForm, ReasonForm
from cloudmanager.orders.models import (
    BillingRun,
    BillingRunItem,
    Service,
    ServiceBillingPeriod,
)
from cloudmanager.orders.queries import list_runs, list_services, parse_due, renewal_forecast

ACTIONS = {
    "activate": (lambda s, note: lc.activate_service(s, by=current_user, note=note), "activated"),
    "suspend": (lambda s, note: lc.suspend_service(s, by=current_user, note=note), "suspended"),
    "unsuspend": (lambda s, note: lc.unsuspend_service(s, by=current_user, note=note), "resumed"),
    "cancel": (lambda s, note: lc.cancel_service(s, by=current_user, note=note), "cancelled"),
    "cancel_at_period_end": (
        lambda s, note: lc.cancel_service(s, by=current_user, at_period_end=True, note=note),
        "set to end with its period",
    ),
    "keep": (lambda s, note: lc.undo_cancel_request(s, by=current_user), "kept"),
    "terminate": (
        lambda s, note: lc.terminate_service(s, by=current_user, note=note),
        "terminated",
    ),
}


def get_service(service_id: int) -> Service:
    """The service, or 404."""
    service = db.session.get(Service, service_id)
    if service is None:
        raise NotFound("This service does not exist.")
    return service


def _filters() -> dict:
    product = request.args.get("product_id", "")
    customer = request.args.get("customer_id", "")
    return {
        "status": request.args.get("status", ""),
        "product_id": int(product) if product.isdigit() else None,
        "customer_id": int(customer) if customer.isdigit() else None,
        "due_before": parse_due(request.args.get("due_before")),
    }


@services_bp.get("/")
def index():
    """Services filtered by status, product and next due date."""
    from cloudmanager.products.services import list_products

    filters = _filters()
    page = list_services(
        **filters,
        cursor=request.args.get("cursor"),
        size=clamp_page_size(request.args.get("size")),
    )
    params = {k: v for k, v in request.args.items() if k != "cursor" and v}
    return render_page(
        "orders/services.html",
        "orders/_service_results.html",
        page=page,
        filters=filters,
        params=params,
        products=list_products(size=200, status="all").items,
    )


@services_bp.get("/<int:service_id>")
def detail(service_id: int):
    """A service: status, billing periods with their invoices, history, actions."""
    from cloudmanager.invoices.models import Invoice
    from cloudmanager.products.models import Product

    service = get_service(service_id)
    periods = db.session.execute(
        select(ServiceBillingPeriod, Invoice)
        .outerjoin(Invoice, Invoice.id == ServiceBillingPeriod.invoice_id)
        .where(ServiceBillingPeriod.service_id == service.id)
        .order_by(ServiceBillingPeriod.period_start.desc())
        .limit(24)
    ).all()
    change_form = ChangeServiceForm(data={"product_id": str(service.product_id)})
    plans = db.session.scalars(
        select(Product).where(Product.kind == "recurring", Product.archived_at.is_(None))
    ).all()
    change_form.product_id.choices = [
        (str(p.id), p.name) for p in plans if service.cycle in p.offered_cycles
    ]
    change_form.quantity.data = change_form.quantity.data or str(service.quantity)
    return render_page(
        "orders/service_detail.html",
        service=service,
        periods=periods,
        reason_form=ReasonForm(),
        change_form=change_form,
        allowed=lc.ALLOWED,
    )


@services_bp.post("/<int:service_id>/<action>")
def action(service_id: int, action: str):
    """Suspend, resume, activate, cancel (now or at period end), keep or terminate."""
    if action not in ACTIONS:
        raise NotFound("There is no such action.")
    service = get_service(service_id)
    form = ReasonForm()
    target = url_for("services.detail", service_id=service.id)
    if not form.validate():
        flash("The form expired; try again.", "warning")
        return redirect_to(target)
    run, done = ACTIONS[action]
    try:
        run(service, (form.reason.data or "").strip())
    except DomainError as error:
        db.session.rollback()
        message = error.message
        if isinstance(error, ValidationFailed):
            message = " ".join(error.errors.values())
        flash(message, "danger")
        return redirect_to(target)
    db.session.commit()
    flash(f"Service {service.number} {done}.", "success")
    return redirect_to(target)


@services_bp.post("/<int:service_id>/change")
def change(service_id: int):
    """Move the service to another plan or quantity, prorated (see `orders.changes`)."""
    from cloudmanager.orders.changes import change_service

    service = get_service(service_id)
    form = ChangeServiceForm()
    target = url_for("services.detail", service_id=service.id)
    try:
        result = change_service(
            service,
            {"product_id": form.product_id.data, "quantity": form.quantity.data},
            by=current_user,
        )
    except DomainError as error:
        db.session.rollback()
        message = error.message
        if isinstance(error, ValidationFailed):
            message = " ".join(error.errors.values())
        flash(message, "danger")
        return redirect_to(target)
    db.session.commit()
    flash(f"Plan changed: credit {result.credit}, charge {result.charge}.", "success")
    return redirect_to(target)


@billing_bp.get("/runs")
def runs():
    """Every billing run (when, created, failed) and a 30-day forecast of renewals."""
    page = list_runs(cursor=request.args.get("cursor"))
    return render_page(
        "orders/billing_runs.html",
        page=page,
        forecast=renewal_forecast(utcnow().date()),
        form=BillingRunForm(),
    )


@billing_bp.get("/runs/<int:run_id>")
def run_detail(run_id: int):
    """What one run did, service by service, with the reason of each failure."""
    run = db.session.get(BillingRun, run_id)
    if run is None:
        raise NotFound("There is no such billing run.")
    items = db.session.scalars(
        select(BillingRunItem)
        .where(BillingRunItem.run_id == run.id)
        .order_by(BillingRunItem.outcome != "failed", BillingRunItem.id)
        .limit(500)
    ).all()
    return render_page("orders/billing_run_detail.html", run=run, items=items)


@billing_bp.post("/runs")
def start_run():
    """Start a billing run for today in the background."""
    from cloudmanager.core.audit import audit
    from cloudmanager.orders.run_lock import run_in_progress

    target = url_for("billing.runs")
    if not BillingRunForm().validate():
        return redirect_to(target)
    if run_in_progress():
        flash("A billing run is already running; its results appear here when it ends.", "warning")
        return redirect_to(target)
    audit("billing.run_requested", object_type="billing_run", actor=current_user)
    enqueue("cloudmanager.orders.jobs.billing_run", "staff")
    db.session.commit()
    flash("Billing run started; refresh in a moment to see it.", "success")
    return redirect_to(target)


def services_tab(customer) -> str:
    """The Services tab of a customer page."""
    page = list_services(customer_id=customer.id, size=50)
    return render_template("orders/_customer_services.html", page=page, customer=customer)


def orders_tab(customer) -> str:
    """The Orders tab of a customer page."""
    page = list_orders_for(customer)
    return render_template("orders/_customer_orders.html", page=page, customer=customer)


def list_orders_for(customer):
    """The customer's 50 newest orders."""
    from cloudmanager.orders.queries import list_orders

    return list_orders(customer_id=customer.id, size=50)
