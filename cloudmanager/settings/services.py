"""Read and change settings through one service, with a small cache.

Every setting has a default here, so a fresh install works without any row.
Changes are audited and clear the cache. Every web process sees a change at its
next request: a request reads the settings table at most once, and not at all when
it read the settings' change stamp (every staff page does, core/change_stamps.py) and
the process already holds the values of that stamp. Jobs and commands outside a
request cache the values for `CACHE_SECONDS`. `helpdesk.sla` maps support tier →
priority → [first response, resolution] in business hours.
"""

import time
from typing import Any

from flask import has_request_context, request
from sqlalchemy import event, select

from cloudmanager.core.audit import audit
from cloudmanager.core.change_stamps import StampedValue, forget_request_stamp
from cloudmanager.core.database import read_rows
from cloudmanager.core.errors import ValidationFailed
from cloudmanager.core.timeutil import utcnow
from cloudmanager.extensions import db
from cloudmanager.settings.models import Setting

CACHE_SECONDS = 5.0
REQUEST_KEY = "cloudmanager.settings"

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
    "locale.number_format": "1,234.56",
    "invoicing.number_prefix": "INV-",
    "invoicing.number_digits": 5,
    "invoicing.yearly_reset": True,
    "invoicing.credit_note_prefix": "CN-",
    "invoicing.payment_terms_days": 14,
    "invoicing.reminder_days_before": [3],
    "invoicing.reminder_days_after": [7, 14, 30],
    "invoicing.renewal_days_before": 14,
    "invoicing.suspend_after_days": 21,
    "invoicing.reverse_charge_note": (
        "Reverse charge: VAT to be accounted for by the recipient "
        "(Article 196, Council Directive 2006/112/EC)."
    ),
    "helpdesk.departments": ["Technical support", "Billing", "Sales"],
    "helpdesk.timezone": "Europe/Berlin",
    "helpdesk.business_hours": {
        "mon": "09:00-17:00",
        "tue": "09:00-17:00",
        "wed": "09:00-17:00",
        "thu": "09:00-17:00",
        "fri": "09:00-17:00",
        "sat": "",
        "sun": "",
    },
    "helpdesk.holidays": ["2026-12-24", "2026-12-25", "2026-12-26", "2027-01-01"],
    # department → its own {"timezone", "business_hours", "holidays"}; what is empty is the above
    "helpdesk.department_calendars": {},
    # department → ids of the staff who answer it (none: every agent and manager)
    "helpdesk.department_members": {},
    "helpdesk.sla": {
        "basic": {
            "low": [24, 120],
            "normal": [16, 80],
            "high": [8, 40],
            "urgent": [4, 24],
        },
        "standard": {
            "low": [16, 80],
            "normal": [8, 40],
            "high": [4, 16],
            "urgent": [2, 8],
        },
        "premium": {
            "low": [8, 40],
            "normal": [4, 16],
            "high": [2, 8],
            "urgent": [1, 4],
        },
    },
    "notifications.sender": "CloudManager Demo GmbH <billing@example.com>",
    "notifications.email_events": [
        "invoice_issued",
        "payment_received",
        "reminder",
        "ticket_created",
        "ticket_reply",
        "order_confirmation",
        "service_suspended",
    ],
    "notifications.sms_events": ["service_suspended"],
    "security.require_2fa": True,
    "security.require_2fa_non_admins": True,
    "security.session_idle_minutes": 60,
    "security.lockout_threshold": 5,
    "security.lockout_minutes": 15,
}

_cache: dict[str, Any] = {}
_cache_loaded_at = 0.0


ALL_SETTINGS = select(Setting.key, Setting.value)


def _query() -> dict[str, Any]:
    return {key: value for key, value in read_rows(ALL_SETTINGS)}


# The stored values, kept by the process while the settings' stamp holds.
STORED = StampedValue("settings", _query)


def _load() -> dict[str, Any]:
    global _cache, _cache_loaded_at
    if has_request_context():
        if REQUEST_KEY not in request.environ:
            request.environ[REQUEST_KEY] = STORED.get()
        return request.environ[REQUEST_KEY]
    if time.monotonic() - _cache_loaded_at > CACHE_SECONDS:
        _cache = _query()
        _cache_loaded_at = time.monotonic()
    return _cache


def invalidate_cache() -> None:
    """Forget cached values (after a change, and between tests)."""
    global _cache_loaded_at
    _cache_loaded_at = 0.0
    STORED.forget()
    if has_request_context():
        request.environ.pop(REQUEST_KEY, None)
        forget_request_stamp("settings")


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


def clean_settings(values: dict[str, Any]) -> dict[str, Any]:
    """Check every value against its rule; ValidationFailed keyed by setting."""
    from cloudmanager.settings.validation import clean_setting

    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, value in values.items():
        try:
            clean[key] = clean_setting(key, value)
        except ValueError as exc:
            errors[key] = str(exc)
    if errors:
        raise ValidationFailed(errors)
    return clean


def update_settings(values: dict[str, Any], *, by: Any = None) -> dict[str, Any]:
    """Store changed values (audited, one entry per change); returns what changed."""
    unknown = [key for key in values if key not in DEFAULTS]
    if unknown:
        raise ValidationFailed({key: "Unknown setting." for key in unknown})
    values = clean_settings(values)
    changed: dict[str, Any] = {}
    changed_at = utcnow()
    for key, value in values.items():
        old = get_setting(key)
        if old == value:
            continue
        row = db.session.get(Setting, key)
        if row is None:
            row = Setting(key=key)
            db.session.add(row)
        row.value = value
        row.updated_at = changed_at
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
    if changed:
        # Another request may reload the old values before this commit lands: forget again.
        event.listen(db.session(), "after_commit", _forget_after_commit, once=True)
    return changed


def _forget_after_commit(session: Any) -> None:
    invalidate_cache()


def format_invoice_number(sequence: int, *, year: int, prefix: str | None = None) -> str:
    """`INV-2026-00042` (yearly reset) or `INV-00042`, from the invoicing settings."""
    prefix = get_setting("invoicing.number_prefix") if prefix is None else prefix
    digits = int(get_setting("invoicing.number_digits"))
    number = f"{sequence:0{digits}d}"
    if get_setting("invoicing.yearly_reset"):
        return f"{prefix}{year}-{number}"
    return f"{prefix}{number}"
