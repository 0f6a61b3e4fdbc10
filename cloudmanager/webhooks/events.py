"""The events a webhook can subscribe to."""

EVENTS: dict[str, str] = {
    "customer.created": "A customer was created",
    "customer.updated": "A customer was changed",
    "order.created": "An order was placed",
    "order.accepted": "An order was accepted",
    "invoice.issued": "An invoice was issued",
    "invoice.paid": "An invoice was paid in full",
    "invoice.voided": "An invoice was voided",
    "payment.recorded": "A payment was recorded",
    "service.activated": "A service became active",
    "service.suspended": "A service was suspended",
    "service.cancelled": "A service was cancelled",
    "ticket.created": "A ticket was opened",
    "ticket.replied": "A ticket got a public reply",
    "ticket.closed": "A ticket was closed",
}
