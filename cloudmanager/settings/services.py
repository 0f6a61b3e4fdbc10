"""Read and change settings through one service, with a small cache.

Every setting has a default here, so a fresh install works without any row.
Changes are audited and clear the cache; other processes see them within
`CACHE_SECONDS`.
"""

import time
from typing import Any

from sqlalchemy import select

from cloudmanager.core.audit import audit
from cloudmanager.core.errors import ValidationFailed
from cloudmanager.extensions import db
from cloudmanager.settings.models import Setting

CACHE_SECONDS = 5.0

DEFAULTS: dict[str, Any] = {
    "company.legal_name": "CloudManager Demo GmbH",
    "company.address": "Example Street 1\n10115 Berlin",
    "company.country": "DE",
    "company.vat_id": "",
    "company.registration_number": "",
    "company.iban": "",
    "company.bic": "",
    "company.email": "billing@example.com",
    "company.phone": "",
    "company.logo": "",
    "locale.currency": "EUR",
    "locale.date_format": "%d %b %Y",
    "security.require_2fa": True,
    "security.require_2fa_non_admins": True,
    "security.session_idle_minutes": 60,
    "security.lockout_threshold": 5,
    "security.lockout_minutes": 15,
}

_cache: dict[str, Any] = {}
_cache_loaded_at = 0.0


def _load() -> dict[str, Any]:
    global _cache, _cache_loaded_at
    if time.monotonic() - _cache_loaded_at > CACHE_SECONDS:
        rows = db.session.execute(select(Setting.key, Setting.value)).all()
        _cache = {key: value for key, value in rows}
        _cache_loaded_at = time.monotonic()
    return _cache


def invalidate_cache() -> None:
    """Forget cached values (after a change, and between tests)."""
    global _cache_loaded_at
    _cache_loaded_at = 0.0


def get_setting(key: str) -> Any:
    """The stored value of `key`, or its default."""
    if key not in DEFAULTS:
        raise KeyError(f"unknown setting {key!r}")
    return _load().get(key, DEFAULTS[key])


def get_settings(prefix: str) -> dict[str, Any]:
    """Every setting under `prefix.` as {short_key: value}."""
    stored = _load()
    return {
        key.split(".", 1)[1]: stored.get(key, default)
        for key, default in DEFAULTS.items()
        if key.startswith(prefix + ".")
    }


def update_settings(values: dict[str, Any], *, by: Any = None) -> dict[str, Any]:
    """Store changed values (audited, one entry per change); returns what changed."""
    unknown = [key for key in values if key not in DEFAULTS]
    if unknown:
        raise ValidationFailed({key: "Unknown setting." for key in unknown})
    changed: dict[str, Any] = {}
    for key, value in values.items():
        old = get_setting(key)
        if old == value:
            continue
        row = db.session.get(Setting, key)
        if row is None:
            row = Setting(key=key)
            db.session.add(row)
        row.value = value
        row.updated_by_id = getattr(by, "id", None)
        changed[key] = value
        audit(
            "settings.changed",
            object_type="setting",
            object_id=key,
            before={key: old},
            after={key: value},
            actor=by,
        )
    invalidate_cache()
    return changed
