"""The audit log service: every change to money, people, permissions and settings.

`audit()` adds a row to the current transaction, so the entry is committed with
the change it describes, or not at all.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterable

from flask import has_request_context, request
from flask_login import current_user

from cloudmanager.extensions import db


def json_safe(value: Any) -> Any:
    """Make a value storable in a JSON column (Decimals and dates as strings)."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [json_safe(v) for v in value]
    return value


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The named attributes of `obj` as a JSON-safe dict (for before/after)."""
    return {name: json_safe(getattr(obj, name, None)) for name in fields}


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Only the keys whose values differ, as {field: [before, after]}."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def client_address() -> str | None:
    """The client's IP address, when there is a request."""
    if not has_request_context():
        return None
    return request.remote_addr


def _current_actor():
    if not has_request_context():
        return None
    user = current_user._get_current_object() if current_user else None
    return user if getattr(user, "is_authenticated", False) else None


def audit(
    action: str,
    obj: Any = None,
    *,
    object_type: str | None = None,
    object_id: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    summary: str = "",
    actor: Any = None,
):
    """Record `action` on `obj` by `actor` (default: the signed-in user)."""
    from cloudmanager.auth.models import AuditEntry

    actor = actor if actor is not None else _current_actor()
    if obj is not None:
        object_type = object_type or getattr(obj, "__audit_type__", None) or obj.__tablename__
        if object_id is None:
            db.session.flush()
            object_id = getattr(obj, "id", None)
    entry = AuditEntry(
        action=action,
        object_type=object_type or "system",
        object_id=str(object_id) if object_id is not None else None,
        before=json_safe(before) if before is not None else None,
        after=json_safe(after) if after is not None else None,
        summary=summary,
        ip_address=client_address(),
    )
    if actor is not None and getattr(actor, "is_staff", False):
        entry.actor_id = actor.id
        entry.actor_label = actor.email
    elif actor is not None:
        entry.actor_label = getattr(actor, "email", str(actor))
    db.session.add(entry)
    return entry
