"""Notification emails: defaults from files, stored overrides, and the sandbox around them."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from cloudmanager.auth.models import AuditEntry
from cloudmanager.core.errors import ValidationFailed
from cloudmanager.settings.events import NOTIFICATION_EVENTS
from cloudmanager.settings.notifications import (
    notification_enabled,
    preview_notification,
    render_notification,
    render_sources,
    reset_template,
    save_template_override,
)
from cloudmanager.settings.services import update_settings

INVOICE = {
    "customer": {"name": "Jane <b>Doe</b>"},
    "invoice": {
        "number": "INV-2026-00007",
        "issue_date": date(2026, 11, 1),
        "due_date": date(2026, 11, 15),
        "total": Decimal("119"),
        "currency": "EUR",
        "url": "https://portal.example.com/i/7",
    },
}


def sources(
    subject="Hi {{ customer.name }}",
    text="Text {{ invoice.number }}",
    html="<p>{{ customer.name }}</p>",
):
    return {"subject": subject, "body_text": text, "body_html": html}


@pytest.mark.parametrize("event", list(NOTIFICATION_EVENTS))
def test_every_default_template_renders_with_its_sample_data(app, event):
    subject, text, html = preview_notification(event)
    assert subject and "\n" not in subject
    assert "CloudManager Demo GmbH" in text and "\n\n\n" not in text
    assert html.lstrip().startswith("<!doctype html>")


@pytest.mark.parametrize("event", list(NOTIFICATION_EVENTS))
def test_sandbox_and_the_mail_adapter_render_the_defaults_alike(app, event):
    from cloudmanager.infra.mail import render_email
    from cloudmanager.settings.notifications import company_context

    sample = NOTIFICATION_EVENTS[event]["sample"]
    _, text, html = preview_notification(event)
    with app.test_request_context():
        assert render_email(event, **sample, **company_context()) == (text, html)


def test_default_invoice_email_shows_number_amount_and_company(app):
    subject, text, html = render_notification("invoice_issued", INVOICE)
    assert subject == "Invoice INV-2026-00007 from CloudManager Demo GmbH"
    assert "119.00 EUR" in text and "15 Nov 2026" in text


def test_html_body_escapes_customer_data_but_text_body_does_not(app):
    _, text, html = render_notification("invoice_issued", INVOICE)
    assert "Jane &lt;b&gt;Doe&lt;/b&gt;" in html
    assert "Jane <b>Doe</b>" in text


def test_a_saved_override_replaces_the_default(db):
    save_template_override("invoice_issued", sources(subject="Your bill {{ invoice.number }}"))
    db.session.commit()
    assert render_notification("invoice_issued", INVOICE)[0] == "Your bill INV-2026-00007"


def test_saving_an_override_is_audited(db, users):
    save_template_override("reminder", sources(), by=users["admin"])
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "email_template.changed")
    )
    assert entry.object_id == "reminder" and entry.after["subject"] == "Hi {{ customer.name }}"


def test_resetting_brings_the_default_back(db):
    save_template_override("invoice_issued", sources(subject="Custom"))
    reset_template("invoice_issued")
    db.session.commit()
    assert render_notification("invoice_issued", INVOICE)[0].startswith("Invoice INV-2026-00007")


@pytest.mark.parametrize(
    "unsafe",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ customer.__class__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ customer.update({'name': 'x'}) }}",
        "{% set x = [] %}{{ x.append(1) }}",
    ],
)
def test_sandbox_refuses_unsafe_template_code(db, unsafe):
    with pytest.raises(ValidationFailed) as caught:
        save_template_override("reminder", sources(text=unsafe))
    assert caught.value.errors["body_text"].startswith(("Not allowed", "Template error"))


def test_sandbox_refuses_unsafe_code_at_render_time_too(app):
    from jinja2.sandbox import SecurityError

    with pytest.raises(SecurityError):
        render_sources(sources(text="{{ ''.__class__.__mro__[1].__subclasses__() }}"), INVOICE)


@pytest.mark.parametrize("name", ["config", "request", "session", "url_for", "g", "current_user"])
def test_application_objects_are_not_available_in_templates(app, name):
    _, text, _ = render_sources(sources(text=f"[{{{{ {name} }}}}]"), INVOICE)
    assert text == "[]"


def test_templates_cannot_include_files(db):
    with pytest.raises(ValidationFailed):
        save_template_override("reminder", sources(text="{% include 'base.html' %}"))


def test_syntax_errors_are_shown_next_to_the_field(db):
    with pytest.raises(ValidationFailed) as caught:
        save_template_override("reminder", sources(subject="{{ invoice.number "))
    assert set(caught.value.errors) == {"subject"}


def test_unknown_variables_are_refused_when_saving(db):
    with pytest.raises(ValidationFailed) as caught:
        save_template_override("reminder", sources(html="{{ invoce.number }}"))
    assert "body_html" in caught.value.errors


def test_contexts_must_be_plain_data(app, users):
    with pytest.raises(TypeError, match="plain data"):
        render_notification("invoice_issued", {**INVOICE, "customer": users["admin"]})


def test_channels_per_event_come_from_the_settings(db):
    update_settings({"notifications.sms_events": ["reminder"]})
    assert notification_enabled("reminder", "sms")
    assert not notification_enabled("service_suspended", "sms")
    assert notification_enabled("invoice_issued", "email")


def test_dates_in_emails_follow_the_locale_setting(db):
    update_settings({"locale.date_format": "%d.%m.%Y"})
    assert "15.11.2026" in render_notification("invoice_issued", INVOICE)[1]
