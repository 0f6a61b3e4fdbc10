"""Health of the components the app depends on."""

import ctypes.util

from flask import current_app
from sqlalchemy import text

from cloudmanager.extensions import db


def database_status() -> str:
    """ "ok" when a trivial query succeeds."""
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:  # any driver error means "down"
        db.session.rollback()
        return f"error: {exc.__class__.__name__}"


def redis_status() -> str:
    """ "ok", "not configured" (jobs run inline) or the error."""
    if not current_app.config.get("REDIS_URL"):
        return "not configured"
    try:
        from cloudmanager.infra.queue import redis_connection

        redis_connection().ping()
        return "ok"
    except Exception as exc:  # connection refused, timeout, auth…
        return f"error: {exc.__class__.__name__}"


def harfbuzz_subset_available() -> bool:
    """WeasyPrint is twice as fast with HarfBuzz's subsetting library."""
    return ctypes.util.find_library("harfbuzz-subset") is not None


def health_report() -> dict:
    """The JSON body of /healthz."""
    return {
        "database": database_status(),
        "redis": redis_status(),
        "pdf_font_subsetting": "ok" if harfbuzz_subset_available() else "missing",
    }
