"""The htmx draft editor: new and edit, a preview that recalculates as staff type, lines
from products or free text, delete and issue."""

import time

from flask import flash, request, url_for
from flask_login import current_user
from sqlalchemy import select

from cloudmanager.core.errors import DomainError
from cloudmanager.core.forms import apply_errors
from cloudmanager.core.htmx import htmx_only, redirect_to, render_page, trigger
from cloudmanager.extensions import db
from cloudmanager.invoices import bp
from cloudmanager.invoices.drafts import (
    create_draft,
    delete_draft,
    draft_rows,
    ensure_draft,
    is_blank_row,
    preview_rows,
    update_draft,
)
from cloudmanager.invoices.forms import DraftForm, line_rows
from cloudmanager.invoices.issuing import issue_invoice
from cloudmanager.invoices.status import today
from cloudmanager.invoices.taxes import tax_choices
from cloudmanager.invoices.views import get_invoice

MAX_CUSTOMER_CHOICES = 500


def _customer(customer_id):
    from cloudmanager.customers.models import Customer

    text = str(customer_id or "").strip()
    return db.session.get(Customer, int(text)) if text.isdigit() else None


def customer_choices(selected=None) -> list[tuple[str, str]]:
    """Active customers by name (bounded), keeping the selected one in the list."""
    from cloudmanager.customers.models import Customer

    rows = db.session.execute(
        select(Customer.id, Customer.number, Customer.name)
        .where(Customer.status == "active")
        .order_by(Customer.name, Customer.id)
        .limit(MAX_CUSTOMER_CHOICES)
    ).all()
    choices = [("", "Choose a customer…")] + [(str(i), f"{name} ({num})") for i, num, name in rows]
    if selected is not None and all(value != str(selected.id) for value, _ in choices):
        choices.append((str(selected.id), f"{selected.name} ({selected.number})"))
    return choices


def product_choices() -> list[tuple[str, str, dict]]:
    """(value, label, prefill) for each active product and billing cycle it offers."""
    from cloudmanager.products.services import list_products

    choices = []
    for product in list_products(size=200).items:
        if product.kind == "one_off" and product.one_off_price is not None:
            prices = [("one-off", product.one_off_price)]
        else:
            prices = [(price.cycle, price.amount) for price in product.prices]
        for cycle, amount in prices:
            prefill = {
                "description": f"{product.name} ({cycle})",
                "unit_price": amount,
                "tax_rate_id": product.tax_rate_id,
                "product_id": product.id,
            }
            choices.append((f"{product.id}:{cycle}", f"{product.name} — {cycle}", prefill))
    return choices


def _editor(form, rows, invoice=None, customer=None, errors=None, status=200):
    customer = customer or (invoice.customer if invoice else None)
    if not rows:
        rows = [{"quantity": "1"}]
    totals, preview_errors = preview_rows(customer, rows)
    return render_page(
        "invoices/editor.html",
        "invoices/_editor_form.html",
        status=status,
        form=form,
        invoice=invoice,
        customer=customer,
        rows=rows,
        errors=errors or {},
        totals=totals,
        preview_errors=preview_errors,
        taxes=tax_choices(today()),
        products=product_choices(),
    )


def _posted_rows():
    return [row for row in line_rows(request.form) if not is_blank_row(row)]


def _save(form, save, **context):
    """Run `save(data)` with the posted lines, terms and notes; the editor with 422 on errors."""
    rows = _posted_rows()
    data = {
        "lines": rows,
        "notes": form.notes.data,
        "payment_terms_days": form.payment_terms_days.data,
    }
    try:
        invoice = save(data)
    except DomainError as error:
        db.session.rollback()
        apply_errors(form, error)
        if context.get("invoice") is not None:
            context["invoice"] = get_invoice(context["invoice"].id)
        errors = getattr(error, "errors", {})
        return _editor(form, rows, errors=errors, status=422, **context)
    db.session.commit()
    flash("Draft saved.", "success")
    return redirect_to(url_for("invoices.detail", invoice_id=invoice.id))


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Create a draft (optionally for `?customer_id=`)."""
    customer = _customer(request.values.get("customer_id"))
    form = DraftForm(data={"customer_id": str(customer.id) if customer else ""})
    form.customer_id.choices = customer_choices(customer)
    if request.method == "POST" and form.validate():
        return _save(
            form, lambda data: create_draft(customer, data, by=current_user), customer=customer
        )
    if customer is not None and not form.payment_terms_days.data:
        form.payment_terms_days.data = str(customer.payment_terms_days)
    return _editor(form, _posted_rows() if request.method == "POST" else [], customer=customer)


@bp.route("/<int:invoice_id>/edit", methods=["GET", "POST"])
def edit(invoice_id: int):
    """Edit a draft's lines, terms and notes."""
    invoice = get_invoice(invoice_id)
    try:
        ensure_draft(invoice)
    except DomainError as error:
        flash(error.message, "warning")
        return redirect_to(url_for("invoices.detail", invoice_id=invoice.id))
    form = DraftForm(obj=None if request.method == "POST" else invoice)
    form.customer_id.choices = customer_choices(invoice.customer)
    if request.method == "POST" and form.validate():
        return _save(
            form, lambda data: update_draft(invoice, data, by=current_user), invoice=invoice
        )
    form.payment_terms_days.data = form.payment_terms_days.data or str(invoice.payment_terms_days)
    rows = _posted_rows() if request.method == "POST" else draft_rows(invoice)
    return _editor(form, rows, invoice=invoice)


@bp.post("/preview")
def preview():
    """The totals and tax summary of the editor's current lines (no writes)."""
    customer = _customer(request.form.get("customer_id"))
    if customer is None and (request.form.get("invoice_id") or "").isdigit():
        customer = get_invoice(int(request.form["invoice_id"])).customer
    totals, errors = preview_rows(customer, _posted_rows())
    currency = customer.currency if customer else ""
    return render_page(
        "invoices/_totals.html", totals=totals, preview_errors=errors, currency=currency
    )


@bp.get("/line")
@htmx_only
def line_row():
    """A new editor row; `?product=<id>:<cycle>` fills it from the catalog."""
    row = {"quantity": "1"}
    wanted = request.args.get("product", "")
    for value, _, prefill in product_choices() if wanted else []:
        if value == wanted:
            row.update({k: "" if v is None else str(v) for k, v in prefill.items()})
            row["product"] = value
    index = request.args.get("index", "")
    index = int(index) if index.isdigit() else int(time.time() * 1000)
    response = render_page(
        "invoices/_line_row.html",
        row=row,
        index=index,
        errors={},
        taxes=tax_choices(today()),
        products=product_choices(),
    )
    return trigger(response, "lines-changed")


@bp.post("/<int:invoice_id>/delete")
def delete(invoice_id: int):
    """Delete a draft."""
    invoice = get_invoice(invoice_id)
    try:
        delete_draft(invoice, by=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect_to(url_for("invoices.detail", invoice_id=invoice_id))
    db.session.commit()
    flash("Draft deleted.", "success")
    return redirect_to(url_for("invoices.index"))


@bp.post("/<int:invoice_id>/issue")
def issue(invoice_id: int):
    """Issue a draft: number, dates, frozen customer and taxes; PDF and email follow."""
    invoice = get_invoice(invoice_id)
    try:
        issue_invoice(invoice, by=current_user)
    except DomainError as error:
        db.session.rollback()
        message = error.message
        if getattr(error, "errors", None):
            message = " ".join(error.errors.values())
        flash(message, "danger")
    else:
        db.session.commit()
        flash(f"Invoice {invoice.number} issued.", "success")
    return redirect_to(url_for("invoices.detail", invoice_id=invoice_id))
