"""Webhook events of tickets (created, replied, closed), emitted in the transaction of the change.

Internal notes never produce an event: only public messages leave the helpdesk.
"""

from typing import Any

from cloudmanager.core.audit import json_safe


def ticket_data(ticket: Any) -> dict[str, Any]:
    """What integrations receive about a ticket."""
    return json_safe(
        {
            "id": ticket.id,
            "number": ticket.number,
            "subject": ticket.subject,
            "customer_id": ticket.customer_id,
            "requester_email": ticket.requester_email,
            "department": ticket.department,
            "priority": ticket.priority,
            "status": ticket.status,
            "source": ticket.source,
        }
    )


def message_data(message: Any) -> dict[str, Any]:
    """A public message as webhook payloads show it."""
    return json_safe(
        {
            "id": message.id,
            "author": message.author_label,
            "by_staff": message.by_staff,
            "body": message.body,
            "created_at": message.created_at,
        }
    )


def emit_ticket_event(event: str, ticket: Any, message: Any = None) -> None:
    """Queue a ticket event for subscribed webhooks (deliveries start after the commit)."""
    from cloudmanager.webhooks.services import emit_event

    if message is not None and message.internal:
        return
    data: dict[str, Any] = {"ticket": ticket_data(ticket)}
    if message is not None:
        data["message"] = message_data(message)
    emit_event(event, data)
