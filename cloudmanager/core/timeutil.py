"""Time helpers: one notion of "now" (UTC, naive in the database)."""

from datetime import datetime, timezone


def utcnow() -> datetime:
    """The current UTC time as a naive datetime (how every column stores it)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
