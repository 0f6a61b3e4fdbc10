"""Actions on issued invoices: record a payment, void, issue a credit note, email the PDF."""

from typing import Any, Callable

from flask import flash, request, url_for
from flask_login import current_user

from cloudmanager.core.errors import DomainError
from cloudmanager.core.forms import apply_errors, form_status
from cloudmanager.core.htmx import redirect_to, render_page
from cloudmanager.extensions import db
from cloudmanager.invoices import bp
from cloudmanager.invoices.credit_notes import create_credit_note, creditable_quantities
from cloudmanager.invoices.emails import email_invoice_now
from cloudmanager.invoices.forms import CreditNoteForm, PaymentForm, VoidForm, credit_quantities
from cloudmanager.invoices.issuing import void_invoice
from cloudmanager.invoices.payments import credit_balance, record_payment
from cloudmanager.invoices.status import today
from cloudmanager.invoices.views import get_invoice


def _back(invoice_id: int):
    return redirect_to(url_for("invoices.detail", invoice_id=invoice_id))


def _run(form, invoice_id: int, action: Callable[[], Any], message: Callable[[Any], str]):
    """Run a form's service call: commit and go back, or show its errors on the form.

    Returns (response, None) on success, or (None, the invoice re-read after the
    rollback) so the view renders the form again with the errors.
    """
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        apply_errors(form, error)
        return None, get_invoice(invoice_id)
    db.session.commit()
    flash(message(result), "success")
    return _back(invoice_id), None


@bp.route("/<int:invoice_id>/payments/new", methods=["GET", "POST"], endpoint="record_payment")
def record_payment_view(invoice_id: int):
    """Record money received (partial, full or more: the excess becomes credit)."""
    invoice = get_invoice(invoice_id)
    form = PaymentForm()
    if request.method == "GET":
        form.amount.data = str(max(invoice.balance, 0))
        form.received_on.data = today()
    if form.validate_on_submit():
        data = {
            "amount": form.amount.data,
            "method": form.method.data,
            "reference": form.reference.data,
            "received_on": form.received_on.data,
            "note": form.note.data,
        }
        response, invoice = _run(
            form,
            invoice_id,
            lambda: record_payment(invoice, data, by=current_user),
            lambda payment: f"Payment of {payment.amount} {payment.invoice.currency} recorded.",
        )
        if response:
            return response
    return render_page(
        "invoices/payment.html",
        "invoices/_payment_form.html",
        status=form_status(form),
        form=form,
        invoice=invoice,
        credit=credit_balance(invoice.customer_id),
    )


@bp.route("/<int:invoice_id>/void", methods=["GET", "POST"])
def void(invoice_id: int):
    """Void an issued invoice with a reason."""
    invoice = get_invoice(invoice_id)
    form = VoidForm()
    if form.validate_on_submit():
        number = invoice.number
        response, invoice = _run(
            form,
            invoice_id,
            lambda: void_invoice(invoice, form.reason.data, by=current_user),
            lambda _: f"Invoice {number} voided.",
        )
        if response:
            return response
    return render_page(
        "invoices/void.html",
        "invoices/_void_form.html",
        status=form_status(form),
        form=form,
        invoice=invoice,
    )


@bp.route("/<int:invoice_id>/credit-notes/new", methods=["GET", "POST"])
def credit_note(invoice_id: int):
    """Credit all lines or some quantities of an issued invoice."""
    invoice = get_invoice(invoice_id)
    form = CreditNoteForm()
    quantities = credit_quantities(request.form)
    if form.validate_on_submit():
        data = {
            "reason": form.reason.data,
            "settle": form.settle.data,
            "all": request.form.get("all") == "1",
            "quantities": quantities,
        }
        response, invoice = _run(
            form,
            invoice_id,
            lambda: create_credit_note(invoice, data, by=current_user),
            lambda note: f"Credit note {note.number} issued.",
        )
        if response:
            return response
    return render_page(
        "invoices/credit_note.html",
        "invoices/_credit_note_form.html",
        status=form_status(form),
        form=form,
        invoice=invoice,
        remaining=creditable_quantities(invoice),
        quantities=quantities,
    )


@bp.post("/<int:invoice_id>/email")
def email(invoice_id: int):
    """Email the invoice with its PDF to the customer's billing contacts."""
    invoice = get_invoice(invoice_id)
    try:
        row = email_invoice_now(invoice, by=current_user)
    except DomainError as error:
        db.session.rollback()
        message = error.message
        if getattr(error, "errors", None):
            message = " ".join(error.errors.values())
        flash(message, "danger")
    else:
        db.session.commit()
        flash(f"The invoice is being sent to {row.recipients}.", "success")
    return _back(invoice_id)
