"""Notification emails: default templates from files, staff overrides rendered in a sandbox.

Overrides are written by staff, so they run in Jinja's
`ImmutableSandboxedEnvironment`: no loader (no include/extends), no globals
(no `config`, `request`, `url_for`), no underscore attributes, no mutation.
Contexts must be plain data (checked), so no ORM object with methods ever
reaches a template.
"""

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from flask import current_app
from jinja2 import StrictUndefined, TemplateError, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from cloudmanager.core.audit import audit
from cloudmanager.core.errors import NotFound, ValidationFailed
from cloudmanager.core.templating import format_date, format_datetime
from cloudmanager.core.money import format_money
from cloudmanager.extensions import db
from cloudmanager.settings.events import NOTIFICATION_EVENTS
from cloudmanager.settings.models import EmailTemplate

PLAIN_TYPES = (str, int, float, bool, Decimal, date, datetime, type(None))
PARTS = ("subject", "body_text", "body_html")


@lru_cache(maxsize=4)
def sandbox(html: bool, strict: bool = False) -> ImmutableSandboxedEnvironment:
    """The sandboxed environment for text (no escaping) or HTML (autoescaped)."""
    env = ImmutableSandboxedEnvironment(
        autoescape=html,
        undefined=StrictUndefined if strict else Undefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(money=format_money, date=format_date, datetime=format_datetime)
    return env


def plain(value: Any, path: str = "context") -> Any:
    """Check that `value` is plain data (dicts, lists, scalars); TypeError otherwise."""
    if isinstance(value, dict):
        return {str(k): plain(v, f"{path}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, PLAIN_TYPES):
        return value
    raise TypeError(f"{path} is a {type(value).__name__}; pass plain data to templates")


def company_context() -> dict[str, Any]:
    """What every notification may say about the sender."""
    from cloudmanager.settings.services import get_settings

    company = get_settings("company")
    return {key: company[key] for key in ("legal_name", "address", "email", "phone", "vat_id")}


def default_sources(event: str) -> dict[str, str]:
    """The default subject and the bodies from `templates/email/<event>.{txt,html}`."""
    spec = _spec(event)
    loader = current_app.jinja_loader
    text = loader.get_source(current_app.jinja_env, f"email/{event}.txt")[0]
    html = loader.get_source(current_app.jinja_env, f"email/{event}.html")[0]
    return {"subject": spec["subject"], "body_text": text, "body_html": html}


def current_sources(event: str) -> dict[str, str]:
    """The override when one is stored, else the defaults."""
    row = db.session.get(EmailTemplate, _checked(event))
    if row is None:
        return default_sources(event)
    return {"subject": row.subject, "body_text": row.body_text, "body_html": row.body_html}


def render_sources(
    sources: dict[str, str], context: dict[str, Any], *, strict: bool = False
) -> tuple[str, str, str]:
    """Render subject, text and HTML in the sandbox with a plain context."""
    data = plain({**context, "company": company_context()})
    subject = sandbox(False, strict).from_string(sources["subject"]).render(data)
    text = sandbox(False, strict).from_string(sources["body_text"]).render(data)
    html = sandbox(True, strict).from_string(sources["body_html"]).render(data)
    return " ".join(subject.split()), text, html


def render_notification(event: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) of the notification `event` for `context` (plain data)."""
    return render_sources(current_sources(event), context)


def notification_enabled(event: str, channel: str = "email") -> bool:
    """Whether the settings say `event` is sent by `channel` ("email" or "sms")."""
    from cloudmanager.settings.services import get_setting

    return event in get_setting(f"notifications.{channel}_events")


def preview_notification(event: str, sources: dict[str, str] | None = None):
    """Render `sources` (or the current templates) with the event's sample data."""
    return render_sources(sources or current_sources(event), _spec(event)["sample"], strict=True)


def check_sources(event: str, sources: dict[str, str]) -> dict[str, str]:
    """Field errors for templates that do not compile or do something not allowed."""
    errors: dict[str, str] = {}
    sample = plain({**_spec(event)["sample"], "company": company_context()})
    for part in PARTS:
        source = sources.get(part) or ""
        if not source.strip():
            errors[part] = "This part cannot be empty."
            continue
        try:
            sandbox(part == "body_html", True).from_string(source).render(sample)
        except SecurityError as exc:
            errors[part] = f"Not allowed in templates: {exc}"
        except TemplateError as exc:
            errors[part] = f"Template error: {exc}"
    return errors


def save_template_override(event: str, sources: dict[str, str], *, by: Any = None):
    """Store staff's subject and bodies for `event` after checking them (audited)."""
    errors = check_sources(_checked(event), sources)
    if errors:
        raise ValidationFailed(errors)
    before = current_sources(event)
    row = db.session.get(EmailTemplate, event) or EmailTemplate(event=event)
    for part in PARTS:
        setattr(row, part, sources[part])
    row.updated_by_id = getattr(by, "id", None)
    db.session.add(row)
    audit(
        "email_template.changed",
        object_type="email_template",
        object_id=event,
        before=before,
        after={part: sources[part] for part in PARTS},
        actor=by,
    )
    return row


def reset_template(event: str, *, by: Any = None) -> None:
    """Drop the override: the default files apply again (audited)."""
    row = db.session.get(EmailTemplate, _checked(event))
    if row is None:
        return
    audit(
        "email_template.reset",
        object_type="email_template",
        object_id=event,
        before={part: getattr(row, part) for part in PARTS},
        actor=by,
    )
    db.session.delete(row)


def overridden_events() -> set[str]:
    """Events that have a stored override."""
    from sqlalchemy import select

    return set(db.session.scalars(select(EmailTemplate.event)))


def _checked(event: str) -> str:
    _spec(event)
    return event


def _spec(event: str) -> dict:
    try:
        return NOTIFICATION_EVENTS[event]
    except KeyError:
        raise NotFound("There is no such notification.") from None
