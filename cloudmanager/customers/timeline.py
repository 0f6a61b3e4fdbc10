"""A customer's timeline: notes and audited changes (customer and contacts), newest first."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from cloudmanager.auth.models import AuditEntry
from cloudmanager.customers.models import Customer, CustomerNote
from cloudmanager.extensions import db

ACTION_LABELS = {
    "customer.created": ("Customer created", "plus-circle"),
    "customer.updated": ("Details changed", "pencil"),
    "customer.deactivated": ("Deactivated", "pause-circle"),
    "customer.reactivated": ("Reactivated", "play-circle"),
    "customer.imported": ("Imported from CSV", "upload"),
    "contact.added": ("Contact added", "person-plus"),
    "contact.updated": ("Contact changed", "person-gear"),
    "contact.removed": ("Contact removed", "person-dash"),
}
# Notes are shown as notes; their audit entries would only repeat them.
HIDDEN_ACTIONS = {"customer.note_added"}


@dataclass
class TimelineItem:
    """One entry: a note or an audited change."""

    kind: str
    at: datetime
    actor: str
    title: str
    icon: str
    body: str = ""
    changes: dict[str, Any] = field(default_factory=dict)


def _audit_item(entry: AuditEntry) -> TimelineItem:
    title, icon = ACTION_LABELS.get(entry.action, (entry.action, "clock-history"))
    changes: dict[str, Any] = {}
    if entry.action in ("customer.updated", "contact.updated") and entry.before and entry.after:
        changes = {
            key: (entry.before.get(key), entry.after.get(key))
            for key in entry.after
            if key != "contact_id"
        }
    return TimelineItem(
        kind="audit",
        at=entry.created_at,
        actor=entry.actor_label,
        title=title,
        icon=icon,
        body=entry.summary,
        changes=changes,
    )


def customer_timeline(customer: Customer, limit: int = 50) -> list[TimelineItem]:
    """The latest `limit` events of `customer` (two indexed queries)."""
    notes = db.session.scalars(
        select(CustomerNote)
        .where(CustomerNote.customer_id == customer.id)
        .order_by(CustomerNote.id.desc())
        .limit(limit)
    ).all()
    entries = db.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.object_type == "customer",
            AuditEntry.object_id == str(customer.id),
            AuditEntry.action.not_in(HIDDEN_ACTIONS),
        )
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    ).all()
    items = [
        TimelineItem("note", n.created_at, n.author_label or "system", "Note", "sticky", n.body)
        for n in notes
    ] + [_audit_item(entry) for entry in entries]
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]
