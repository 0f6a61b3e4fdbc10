"""Portal ordering: the catalog, the order form with live totals, the customer's orders."""

from flask import flash, request, url_for

from cloudmanager.core.errors import DomainError
from cloudmanager.core.forms import apply_errors
from cloudmanager.core.htmx import htmx_only, redirect_to, render_page
from cloudmanager.core.pagination import clamp_page_size, keyset_page
from cloudmanager.extensions import db
from cloudmanager.orders.models import Order
from cloudmanager.portal import bp, current_portal_user, ordering, scoping
from cloudmanager.portal.forms import PortalOrderForm
from cloudmanager.products.models import BILLING_CYCLES


@bp.get("/catalog")
def catalog():
    """What the customer can order, by product group."""
    user = current_portal_user()
    return render_page(
        "portal/catalog.html",
        products=ordering.catalog(user),
        currency=user.contact.customer.currency,
        cycles=BILLING_CYCLES,
    )


def _fill(form: PortalOrderForm, user, choice: ordering.OrderChoice) -> None:
    form.product_id.choices = [("", "Choose a product…")] + [
        (str(p.id), p.name) for p in ordering.catalog(user)
    ]
    form.product_id.data = str(choice.product.id) if choice.product else ""
    prices = {p.cycle: p.amount for p in choice.product.prices} if choice.product else {}
    form.cycle.choices = [(cycle, BILLING_CYCLES[cycle]) for cycle in prices]
    form.cycle.data = choice.cycle
    form.quantity.data = choice.quantity


def _order_page(form, user, choice, status=200, fragment=None):
    totals, preview_errors = ordering.preview(user, choice)
    return render_page(
        "portal/order.html",
        fragment,
        status=status,
        form=form,
        choice=choice,
        totals=totals,
        preview_errors=preview_errors if choice.product else {},
        currency=user.contact.customer.currency,
        cycles=BILLING_CYCLES,
    )


@bp.route("/order", methods=["GET", "POST"])
def new_order():
    """Order one product of the catalog (`?product_id=` preselects it)."""
    user = current_portal_user()
    form = PortalOrderForm()
    source = request.form if request.method == "POST" else request.args
    choice = ordering.read_choice(user, source, fit_cycle=request.method == "GET")
    _fill(form, user, choice)
    if request.method == "POST" and form.validate():
        try:
            order = ordering.place_order(user, choice)
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
            return _order_page(form, user, choice, status=422)
        db.session.commit()
        flash(
            f"Thank you! Order {order.number} is placed; we confirm it by email "
            "and send the invoice once it is accepted.",
            "success",
        )
        return redirect_to(url_for("portal.order", order_id=order.id))
    return _order_page(form, user, choice, status=422 if form.errors else 200)


@bp.post("/order/preview")
@htmx_only
def order_preview():
    """The cycle choice and the totals with tax for what the form holds (no writes)."""
    user = current_portal_user()
    form = PortalOrderForm()
    choice = ordering.read_choice(user, request.form, fit_cycle=True)
    _fill(form, user, choice)
    return _order_page(form, user, choice, fragment="portal/_order_options.html")


@bp.get("/orders")
def orders():
    """The customer's orders, newest first."""
    page = keyset_page(
        scoping.customer_orders(current_portal_user()),
        [Order.id],
        cursor=request.args.get("cursor"),
        size=clamp_page_size(request.args.get("size")),
        descending=True,
    )
    return render_page("portal/orders.html", "portal/_order_rows.html", page=page)


@bp.get("/orders/<int:order_id>")
def order(order_id: int):
    """One order: lines, totals, status, and once accepted its invoice and services."""
    found = scoping.get_order(current_portal_user(), order_id)
    invoice = None
    if found.invoice_id:
        invoice = db.session.scalar(
            scoping.customer_invoices(current_portal_user()).filter_by(id=found.invoice_id)
        )
    return render_page(
        "portal/order_detail.html",
        order=found,
        invoice=invoice,
        services=ordering.order_services(found),
        cycles=BILLING_CYCLES,
    )
