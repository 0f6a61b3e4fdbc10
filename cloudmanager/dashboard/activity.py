"""The dashboard's "recent activity": the newest entries of the audit log."""

from sqlalchemy import select

from cloudmanager.extensions import db


def recent_activity(limit: int = 6) -> list:
    """The last `limit` audit entries, newest first (one query)."""
    from cloudmanager.auth.models import AuditEntry

    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    return list(db.session.scalars(stmt))


def describe_action(action: str) -> str:
    """ "user.role_changed" -> "User role changed"."""
    words = action.replace(".", " ").replace("_", " ").split()
    return " ".join(words).capitalize() if words else action


LABEL_KEYS = ("number", "name", "email", "title", "subject")


def describe_object(entry) -> str:
    """What an entry is about: its summary, else a telling value, else "type #id"."""
    if entry.summary:
        return entry.summary
    for values in (entry.after, entry.before):
        for key in LABEL_KEYS:
            if isinstance(values, dict) and values.get(key):
                return str(values[key])
    if entry.object_id:
        return f"{entry.object_type.replace('_', ' ')} #{entry.object_id}"
    return ""
