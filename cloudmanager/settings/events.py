"""The notification events: their labels, default subjects and sample data for previews.

Other modules pass contexts of the same shape (plain dicts, lists, strings,
numbers, Decimals and dates) to `render_notification`.
"""

from datetime import date, datetime
from decimal import Decimal

_CUSTOMER = {"name": "Jane Example", "company": "Example Hosting Ltd", "email": "jane@example.org"}
_INVOICE = {
    "number": "INV-2026-00042",
    "issue_date": date(2026, 11, 1),
    "due_date": date(2026, 11, 15),
    "total": Decimal("119.00"),
    "balance": Decimal("119.00"),
    "currency": "EUR",
    "days_overdue": 7,
    "url": "https://portal.example.com/portal/invoices/42",
}

NOTIFICATION_EVENTS: dict[str, dict] = {
    "invoice_issued": {
        "label": "Invoice issued",
        "subject": "Invoice {{ invoice.number }} from {{ company.legal_name }}",
        "sample": {"customer": _CUSTOMER, "invoice": _INVOICE},
    },
    "payment_received": {
        "label": "Payment received",
        "subject": "Thank you: payment for {{ invoice.number }} received",
        "sample": {
            "customer": _CUSTOMER,
            "invoice": dict(_INVOICE, balance=Decimal("0.00")),
            "payment": {
                "amount": Decimal("119.00"),
                "currency": "EUR",
                "date": date(2026, 11, 10),
                "reference": "SEPA-2026-1110-7781",
            },
        },
    },
    "reminder": {
        "label": "Payment reminder",
        "subject": "Reminder: invoice {{ invoice.number }} is due",
        "sample": {"customer": _CUSTOMER, "invoice": _INVOICE},
    },
    "ticket_created": {
        "label": "Ticket created",
        "subject": "[#{{ ticket.number }}] {{ ticket.subject }}",
        "sample": {
            "customer": _CUSTOMER,
            "ticket": {
                "number": "T-1042",
                "subject": "Server unreachable since 09:00",
                "priority": "high",
                "department": "Technical support",
                "url": "https://portal.example.com/portal/tickets/1042",
            },
        },
    },
    "ticket_reply": {
        "label": "Ticket reply",
        "subject": "Re: [#{{ ticket.number }}] {{ ticket.subject }}",
        "sample": {
            "customer": _CUSTOMER,
            "ticket": {
                "number": "T-1042",
                "subject": "Server unreachable since 09:00",
                "url": "https://portal.example.com/portal/tickets/1042",
            },
            "reply": {
                "author": "Alex from Support",
                "body": "We restarted the hypervisor; your server is reachable again.",
                "created_at": datetime(2026, 11, 20, 9, 42),
            },
        },
    },
    "order_confirmation": {
        "label": "Order confirmation",
        "subject": "Your order {{ order.number }} is confirmed",
        "sample": {
            "customer": _CUSTOMER,
            "order": {
                "number": "ORD-2026-0117",
                "date": date(2026, 11, 3),
                "total": Decimal("178.50"),
                "currency": "EUR",
                "lines": [
                    {
                        "description": "Cloud Server M (monthly)",
                        "quantity": 1,
                        "amount": Decimal("29.00"),
                    },
                    {"description": "Setup service", "quantity": 1, "amount": Decimal("120.00")},
                ],
            },
        },
    },
    "service_suspended": {
        "label": "Service suspended",
        "subject": "Service suspended: {{ service.name }}",
        "sample": {
            "customer": _CUSTOMER,
            "service": {"name": "Cloud Server M – web01", "reason": "Invoice overdue"},
            "invoice": _INVOICE,
        },
    },
}


def event_label(event: str) -> str:
    """The human name of an event."""
    return NOTIFICATION_EVENTS[event]["label"]


def event_choices() -> list[tuple[str, str]]:
    """(event, label) pairs for forms."""
    return [(name, spec["label"]) for name, spec in NOTIFICATION_EVENTS.items()]
