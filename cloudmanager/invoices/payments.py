"""Payments and customer credit.

A payment is recorded against an issued invoice under a row lock on it, so
the invoice's paid total moves exactly once per payment. (method, reference)
is unique: the same bank transfer posted twice is refused, even when both
posts race (the loser waits for the lock, then finds the first). Whatever
exceeds the open balance becomes customer credit, which can later pay other
invoices (method "account credit", under a lock on the customer row).
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Callable

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from cloudmanager.core.audit import audit
from cloudmanager.core.errors import Conflict, ValidationFailed
from cloudmanager.core.money import ZERO
from cloudmanager.extensions import db
from cloudmanager.invoices.calculation import AmountError, parse_money
from cloudmanager.invoices.credit_models import CreditEntry
from cloudmanager.invoices.events import emit, emit_if_paid
from cloudmanager.invoices.issuing import lock_invoice, new_revision
from cloudmanager.invoices.models import ISSUED, PAYMENT_METHODS, Invoice, Payment
from cloudmanager.invoices.status import today

NEEDS_REFERENCE = frozenset({"bank_transfer", "card"})

# Called as hook(invoice, by=...) in the payment's transaction when an invoice becomes paid
# (orders registers one: services start or resume).
PAID_HOOKS: list[Callable[..., None]] = []


def register_paid_hook(hook: Callable[..., None]) -> None:
    """Run `hook(invoice, by=...)` whenever a payment settles an invoice."""
    if hook not in PAID_HOOKS:
        PAID_HOOKS.append(hook)


def credit_balance(customer_id: int) -> Decimal:
    """The customer's account credit: the sum of its ledger entries."""
    total = db.session.scalar(
        select(func.sum(CreditEntry.amount)).where(CreditEntry.customer_id == customer_id)
    )
    return total if total is not None else ZERO


def lock_customer(customer_id: int) -> None:
    """Lock the customer row so two spends of the same credit cannot both pass."""
    from cloudmanager.customers.models import Customer

    db.session.execute(
        select(Customer.id).where(Customer.id == customer_id).with_for_update()
    ).scalar_one()


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    try:
        clean["amount"] = parse_money(data.get("amount"), "amount", allow_zero=False)
    except AmountError as exc:
        errors["amount"] = str(exc)
    method = str(data.get("method") or "").strip()
    if method not in PAYMENT_METHODS:
        errors["method"] = "Choose how the money was paid."
    clean["method"] = method
    reference = " ".join(str(data.get("reference") or "").split())[:120]
    if method in NEEDS_REFERENCE and not reference:
        errors["reference"] = "Enter the bank or card reference (it prevents double booking)."
    clean["reference"] = reference or None
    received = data.get("received_on") or today()
    if isinstance(received, str):
        try:
            received = date.fromisoformat(received.strip())
        except ValueError:
            errors["received_on"] = "Enter a date as YYYY-MM-DD."
    if isinstance(received, date) and received > today() + timedelta(days=1):
        errors["received_on"] = "A payment cannot be received in the future."
    clean["received_on"] = received
    clean["note"] = str(data.get("note") or "").strip()[:2000]
    if errors:
        raise ValidationFailed(errors)
    return clean


def _existing(method: str, reference: str | None) -> Payment | None:
    if reference is None:
        return None
    return db.session.scalar(
        select(Payment).where(Payment.method == method, Payment.reference == reference)
    )


def record_payment(invoice: Invoice, data: dict[str, Any], *, by: Any) -> Payment:
    """Record money received for `invoice`; the excess over its balance becomes credit."""
    clean = _clean(data)
    invoice = lock_invoice(invoice.id)
    if invoice.state != ISSUED:
        raise Conflict("Payments can only be recorded on issued invoices.")
    duplicate = _existing(clean["method"], clean["reference"])
    if duplicate is not None:
        raise Conflict(
            f"This payment ({clean['reference']}) is already recorded.", field="reference"
        )
    amount = clean.pop("amount")
    if clean["method"] == "account_credit":
        lock_customer(invoice.customer_id)
        available = credit_balance(invoice.customer_id)
        if amount > available:
            raise ValidationFailed({"amount": f"The customer has only {available} of credit."})
        if amount > invoice.balance:
            raise ValidationFailed({"amount": "Use no more credit than the open balance."})
    applied = min(amount, max(invoice.balance, ZERO))
    payment = Payment(
        invoice_id=invoice.id,
        customer_id=invoice.customer_id,
        invoice_issue_date=invoice.issue_date,
        amount=amount,
        applied=applied,
        created_by_id=getattr(by, "id", None),
        **clean,
    )
    db.session.add(payment)
    try:
        db.session.flush()
    except IntegrityError as exc:  # a concurrent post on another invoice won the race
        raise Conflict("This payment is already recorded.", field="reference") from exc
    balance_before = invoice.balance
    invoice.paid_total += applied
    if applied > 0:
        new_revision(invoice)  # the PDF now asks for the balance due
    _ledger_entries(invoice, payment, amount - applied)
    if applied > 0 and invoice.balance <= 0:
        for hook in PAID_HOOKS:
            hook(invoice, by=by)
    audit(
        "invoice.payment_recorded",
        invoice,
        after={
            "payment_id": payment.id,
            "amount": amount,
            "applied": applied,
            "method": payment.method,
            "reference": payment.reference,
            "balance": invoice.balance,
        },
        summary=f"Payment of {amount} {invoice.currency} on {invoice.number}",
        actor=by,
    )
    emit(
        "payment.recorded",
        invoice,
        payment={
            "id": payment.id,
            "amount": amount,
            "method": payment.method,
            "reference": payment.reference,
        },
    )
    emit_if_paid(invoice, balance_before)
    return payment


def _ledger_entries(invoice: Invoice, payment: Payment, excess: Decimal) -> None:
    if payment.method == "account_credit":
        db.session.add(
            CreditEntry(
                customer_id=invoice.customer_id,
                amount=-payment.amount,
                kind="applied",
                payment_id=payment.id,
                invoice_id=invoice.id,
                description=f"Applied to {invoice.number}",
            )
        )
    if excess > 0:
        db.session.add(
            CreditEntry(
                customer_id=invoice.customer_id,
                amount=excess,
                kind="overpayment",
                payment_id=payment.id,
                invoice_id=invoice.id,
                description=f"Overpayment of {invoice.number}",
            )
        )
