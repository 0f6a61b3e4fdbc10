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
