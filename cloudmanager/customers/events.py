"""Webhook events of customers (created, updated), emitted in the transaction of the change."""

from typing import Any, Iterable

from cloudmanager.core.audit import json_safe


def customer_data(customer: Any) -> dict[str, Any]:
    """What integrations receive about a customer."""
    return json_safe(
        {
            "id": customer.id,
            "number": customer.number,
            "kind": customer.kind,
            "name": customer.name,
            "email": customer.email,
            "country": customer.country,
            "currency": customer.currency,
            "vat_id": customer.vat_id,
            "status": customer.status,
        }
    )


def emit_customer_event(event: str, customer: Any, changed: Iterable[str] = ()) -> None:
    """Queue `customer.created` / `customer.updated` (deliveries start after the commit)."""
    from cloudmanager.extensions import db
    from cloudmanager.webhooks.services import emit_event

    db.session.flush()  # a new customer gets its id
    data: dict[str, Any] = {"customer": customer_data(customer)}
    if event == "customer.updated":
        data["changed"] = sorted(changed)
    emit_event(event, data)
