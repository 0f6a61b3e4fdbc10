"""Staff pages for orders: list, htmx line editor with live totals, detail and decisions."""

import time

from flask import flash, request, url_for
from flask_login import current_user
from sqlalchemy import select

from cloudmanager.core.errors import DomainError, NotFound
from cloudmanager.core.forms import apply_errors
from cloudmanager.core.htmx import htmx_only, redirect_to, render_page
from cloudmanager.core.pagination import clamp_page_size
from cloudmanager.core.permissions import can
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.orders import bp
from cloudmanager.orders.forms import OrderForm, ReasonForm, line_choices, order_rows
from cloudmanager.orders.models import Order, OrderLine, Service
from cloudmanager.orders.orders import create_order, ensure_pending, update_order
from cloudmanager.orders.queries import list_orders, preview_order


def product_was_sold(product_id: int) -> bool:
    """True when an order line names the product (it must then be archived, not deleted)."""
    found = db.session.scalar(select(OrderLine.id).where(OrderLine.product_id == product_id))
    return found is not None


def get_order(order_id: int) -> Order:
    """The order, or 404."""
    order = db.session.get(Order, order_id)
    if order is None:
        raise NotFound("This order does not exist.")
    return order


def _customer(value):
    from cloudmanager.customers.models import Customer

    text = str(value or "").strip()
    return db.session.get(Customer, int(text)) if text.isdigit() else None


@bp.get("/")
def index():
    """Orders, newest first, filtered by status."""
    status = request.args.get("status", "")
    page = list_orders(
        status=status,
        cursor=request.args.get("cursor"),
        size=clamp_page_size(request.args.get("size")),
    )
    return render_page("orders/index.html", "orders/_results.html", page=page, status_filter=status)


def order_line_rows(order: Order) -> list[dict]:
    """An order's lines as the editor posts them (the API reuses them when lines stay)."""
    return [
        {
            "product": f"{line.product_id}:{line.cycle or 'one_off'}",
            "product_id": str(line.product_id),
            "cycle": line.cycle or "",
            "quantity": str(line.quantity),
            "unit_price": str(line.unit_price) if line.price_overridden else "",
            "discount": str(line.discount) if line.discount else "",
        }
        for line in order.lines
    ]


def _editor(form, rows, order=None, customer=None, errors=None, status=200):
    customer = customer or (order.customer if order else None)
    rows = rows or [{"quantity": "1"}]
    totals, preview_errors = preview_order(customer, rows, by=current_user, on=utcnow().date())
    return render_page(
        "orders/editor.html",
        "orders/_editor_form.html",
        status=status,
        form=form,
        order=order,
        customer=customer,
        rows=rows,
        errors=errors or {},
        totals=totals,
        preview_errors=preview_errors,
        currency=customer.currency if customer else "",
        products=line_choices(),
        may_override=can(current_user, "orders.override_price"),
    )


def _save(form, rows, order, customer):
    data = {"customer_id": form.customer_id.data, "lines": rows, "notes": form.notes.data}
    try:
        if order is None:
            order = create_order(data, by=current_user)
        else:
            update_order(order, data, by=current_user)
    except DomainError as error:
        db.session.rollback()
        apply_errors(form, error)
        order = get_order(order.id) if order is not None and order.id else None
        errors = getattr(error, "errors", {})
        return _editor(form, rows, order=order, customer=customer, errors=errors, status=422)
    db.session.commit()
    flash(f"Order {order.number} saved.", "success")
    return redirect_to(url_for("orders.detail", order_id=order.id))


def _customer_choices(selected):
    from cloudmanager.invoices.editor import customer_choices

    return customer_choices(selected)


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Build an order for a customer (optionally `?customer_id=`)."""
    customer = _customer(request.values.get("customer_id"))
    form = OrderForm(data={"customer_id": str(customer.id) if customer else ""})
    form.customer_id.choices = _customer_choices(customer)
    if request.method == "POST" and form.validate():
        return _save(form, order_rows(request.form), None, customer)
    return _editor(form, order_rows(request.form), customer=customer)


@bp.route("/<int:order_id>/edit", methods=["GET", "POST"])
def edit(order_id: int):
    """Change a pending order's lines and notes."""
    order = get_order(order_id)
    try:
        ensure_pending(order)
    except DomainError as error:
        flash(error.message, "warning")
        return redirect_to(url_for("orders.detail", order_id=order.id))
    form = OrderForm(obj=None if request.method == "POST" else order)
    form.customer_id.choices = _customer_choices(order.customer)
    form.customer_id.data = str(order.customer_id)
    if request.method == "POST" and form.validate():
        return _save(form, order_rows(request.form), order, order.customer)
    rows = order_rows(request.form) if request.method == "POST" else order_line_rows(order)
    return _editor(form, rows, order=order)


@bp.post("/preview")
def preview():
    """The totals of the editor's current lines (no writes)."""
    customer = _customer(request.form.get("customer_id"))
    if customer is None and (request.form.get("order_id") or "").isdigit():
        customer = get_order(int(request.form["order_id"])).customer
    totals, errors = preview_order(
        customer, order_rows(request.form), by=current_user, on=utcnow().date()
    )
    currency = customer.currency if customer else ""
    return render_page(
        "invoices/_totals.html", totals=totals, preview_errors=errors, currency=currency
    )


@bp.get("/line")
@htmx_only
def line_row():
    """A new, empty editor row."""
    index = request.args.get("index", "")
    return render_page(
        "orders/_line_row.html",
        row={"quantity": "1"},
        index=int(index) if index.isdigit() else int(time.time() * 1000),
        errors={},
        products=line_choices(),
        may_override=can(current_user, "orders.override_price"),
    )


@bp.get("/<int:order_id>")
def detail(order_id: int):
    """An order with its lines, totals, invoice, services and the decisions staff may take."""
    order = get_order(order_id)
    services = db.session.scalars(
        select(Service)
        .join(OrderLine, OrderLine.id == Service.order_line_id)
        .where(OrderLine.order_id == order.id)
        .order_by(Service.id)
    ).all()
    return render_page(
        "orders/detail.html", order=order, services=services, reason_form=ReasonForm()
    )


def _decide(order_id: int, action, message: str):
    order = get_order(order_id)
    form = ReasonForm()
    if not form.validate():
        flash("The form expired; try again.", "warning")
        return redirect_to(url_for("orders.detail", order_id=order.id))
    try:
        action(order, form.reason.data or "")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect_to(url_for("orders.detail", order_id=order_id))
    db.session.commit()
    flash(message.format(number=order.number), "success")
    return redirect_to(url_for("orders.detail", order_id=order.id))


@bp.post("/<int:order_id>/accept")
def accept(order_id: int):
    """Accept: invoice, services and stock in one transaction."""
    from cloudmanager.orders.accept import accept_order

    return _decide(
        order_id,
        lambda order, _: accept_order(order, by=current_user),
        "Order {number} accepted: invoice issued and services created.",
    )


@bp.post("/<int:order_id>/cancel")
def cancel(order_id: int):
    """Cancel a pending order."""
    from cloudmanager.orders.orders import cancel_order

    return _decide(
        order_id,
        lambda order, reason: cancel_order(order, reason, by=current_user),
        "Order {number} cancelled.",
    )


@bp.post("/<int:order_id>/fraud")
def fraud(order_id: int):
    """Flag a pending order as fraud (a reason is required)."""
    from cloudmanager.orders.orders import mark_fraud

    return _decide(
        order_id,
        lambda order, reason: mark_fraud(order, reason, by=current_user),
        "Order {number} flagged as fraud.",
    )


from cloudmanager.orders import service_views  # noqa: E402,F401
