"""The service lifecycle: pending → active ⇄ suspended → cancelled / terminated.

Every transition locks the service row, refuses wrong states with a
Conflict, writes a ServiceEvent and an audit entry, and emits the webhook
event; activation and suspension also queue the customer's email.
"""

from typing import Any

from sqlalchemy import select

from cloudmanager.core.audit import audit
from cloudmanager.core.errors import Conflict, NotFound, ValidationFailed
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.orders.models import (
    ACTIVE,
    CANCELLED,
    PENDING,
    SUSPENDED,
    TERMINATED,
    Service,
    ServiceEvent,
)

# which states each action may start from
ALLOWED = {
    "activate": {PENDING},
    "suspend": {ACTIVE},
    "unsuspend": {SUSPENDED},
    "cancel": {PENDING, ACTIVE, SUSPENDED},
    "terminate": {PENDING, ACTIVE, SUSPENDED, CANCELLED},
}
PAST = {
    "activate": "activated",
    "suspend": "suspended",
    "unsuspend": "unsuspended",
    "cancel": "cancelled",
    "terminate": "terminated",
}
WEBHOOKS = {
    ACTIVE: "service.activated",
    SUSPENDED: "service.suspended",
    CANCELLED: "service.cancelled",
}


def lock_service(service_id: int) -> Service:
    """The service re-read and locked FOR UPDATE until the transaction ends."""
    service = db.session.execute(
        select(Service)
        .where(Service.id == service_id)
        .with_for_update(of=Service)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if service is None:
        raise NotFound("This service does not exist.")
    return service


def record_event(service: Service, kind: str, *, by: Any = None, **fields) -> ServiceEvent:
    """Append a history line to the service."""
    event = ServiceEvent(
        service_id=service.id,
        kind=kind,
        actor_id=getattr(by, "id", None) if getattr(by, "is_staff", False) else None,
        **fields,
    )
    db.session.add(event)
    return event


def webhook_data(service: Service) -> dict[str, Any]:
    """The service as webhook payloads show it."""
    return {
        "id": service.id,
        "number": service.number,
        "customer_id": service.customer_id,
        "product_id": service.product_id,
        "status": service.status,
        "cycle": service.cycle,
        "quantity": service.quantity,
        "next_due_date": service.next_due_date.isoformat(),
    }


def _transition(service: Service, action: str, to: str, *, by: Any, note: str = ""):
    from cloudmanager.webhooks.services import emit_event

    service = lock_service(service.id)
    if service.status not in ALLOWED[action]:
        raise Conflict(f"A {service.status} service cannot be {_past(action)}.")
    before = service.status
    service.status = to
    if to == ACTIVE and service.activated_at is None:
        service.activated_at = utcnow()
    if to in (CANCELLED, TERMINATED) and service.ended_at is None:
        service.ended_at = utcnow()  # terminating a cancelled service does not move its end
    event = record_event(service, action, from_status=before, to_status=to, note=note, by=by)
    audit(
        f"service.{_past(action)}",
        service,
        before={"status": before},
        after={"status": to, "note": note},
        summary=f"Service {service.number} {_past(action)}",
        actor=by,
    )
    if to in WEBHOOKS and before != to:
        emit_event(WEBHOOKS[to], webhook_data(service))
    db.session.flush()
    return service, event


def _past(action: str) -> str:
    return PAST[action]


def activate_service(service: Service, *, by: Any = None, note: str = "") -> Service:
    """Start a pending service (its first invoice was paid, or staff decided)."""
    from cloudmanager.orders.notifications import queue_notification

    service, _ = _transition(service, "activate", ACTIVE, by=by, note=note)
    queue_notification("service_activated", service.customer_id, service_id=service.id)
    return service


def suspend_service(
    service: Service, *, by: Any = None, reason: str = "manual", note: str = ""
) -> Service:
    """Suspend an active service (overdue invoice, or staff with a note)."""
    from cloudmanager.orders.notifications import queue_notification

    if reason == "manual" and not note.strip():
        raise ValidationFailed({"note": "Say why the service is suspended."})
    service, event = _transition(service, "suspend", SUSPENDED, by=by, note=note or reason)
    service.suspended_reason = reason
    queue_notification(
        "service_suspended",
        service.customer_id,
        service_id=service.id,
        key=f"service_suspended:{service.id}:{event.id}",
    )
    return service


def unsuspend_service(service: Service, *, by: Any = None, note: str = "") -> Service:
    """Bring a suspended service back to active."""
    service, _ = _transition(service, "unsuspend", ACTIVE, by=by, note=note)
    service.suspended_reason = ""
    return service


def cancel_service(
    service: Service, *, by: Any = None, at_period_end: bool = False, note: str = ""
) -> Service:
    """Cancel now, or at the end of the paid period (the billing run finishes it then)."""
    if not at_period_end:
        service, _ = _transition(service, "cancel", CANCELLED, by=by, note=note)
        service.cancel_at_period_end = False
        return service
    service = lock_service(service.id)
    if service.status not in {ACTIVE, SUSPENDED}:
        raise Conflict(f"A {service.status} service cannot be cancelled at the period end.")
    if service.cancel_at_period_end:
        raise Conflict("This service is already set to end with its period.")
    service.cancel_at_period_end = True
    record_event(service, "cancel_requested", note=note or f"ends {service.next_due_date}", by=by)
    audit(
        "service.cancel_requested",
        service,
        before={"cancel_at_period_end": False},
        after={"cancel_at_period_end": True, "ends_before": service.next_due_date},
        actor=by,
    )
    return service


def undo_cancel_request(service: Service, *, by: Any = None) -> Service:
    """Keep a service that was set to end with its period."""
    service = lock_service(service.id)
    if not service.cancel_at_period_end or service.status not in {ACTIVE, SUSPENDED}:
        raise Conflict("This service is not set to end.")
    service.cancel_at_period_end = False
    record_event(service, "cancel_withdrawn", by=by)
    audit(
        "service.cancel_withdrawn",
        service,
        before={"cancel_at_period_end": True},
        after={"cancel_at_period_end": False},
        actor=by,
    )
    return service


def terminate_service(service: Service, *, by: Any = None, note: str = "") -> Service:
    """End a service for good (resources may be deleted); nothing is billed again."""
    return _transition(service, "terminate", TERMINATED, by=by, note=note)[0]
