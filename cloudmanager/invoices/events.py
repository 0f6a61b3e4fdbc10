"""Webhook events of invoices (issued, paid, voided, payment recorded), emitted in the same transaction."""

from typing import Any

from cloudmanager.core.audit import json_safe


def invoice_data(invoice: Any) -> dict[str, Any]:
    """What integrations receive about an invoice (amounts as strings, never floats)."""
    return json_safe(
        {
            "id": invoice.id,
            "number": invoice.number,
            "customer_id": invoice.customer_id,
            "customer_number": invoice.customer_number,
            "status": invoice.status,
            "currency": invoice.currency,
            "issue_date": invoice.issue_date,
            "due_date": invoice.due_date,
            "net_total": invoice.net_total,
            "tax_total": invoice.tax_total,
            "gross_total": invoice.gross_total,
            "balance": invoice.balance,
        }
    )


def emit(event: str, invoice: Any, **extra: Any) -> None:
    """Queue `event` for subscribed webhooks (deliveries start after the commit)."""
    from cloudmanager.webhooks.services import emit_event

    emit_event(event, {"invoice": invoice_data(invoice), **json_safe(extra)})


def emit_if_paid(invoice: Any, balance_before: Any) -> None:
    """`invoice.paid` when this change settled the invoice."""
    if balance_before > 0 and invoice.balance <= 0:
        emit("invoice.paid", invoice)
