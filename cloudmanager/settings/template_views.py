"""Notification email templates: list, edit with preview, reset, sample rendering."""

from flask import abort, flash, make_response, request, url_for
from flask_login import current_user

from cloudmanager.core.errors import ValidationFailed
from cloudmanager.core.htmx import redirect_to
from cloudmanager.extensions import db
from cloudmanager.products.forms import attach_errors
from cloudmanager.settings import bp
from cloudmanager.settings.events import NOTIFICATION_EVENTS
from cloudmanager.settings.forms import EmailTemplateForm
from cloudmanager.settings.notifications import (
    check_sources,
    current_sources,
    overridden_events,
    preview_notification,
    reset_template,
    save_template_override,
)
from cloudmanager.settings.services import get_settings
from cloudmanager.settings.views import render_section

PREVIEW_POLICY = (
    "default-src 'none'; img-src 'self' data: https:; style-src 'unsafe-inline'; "
    "frame-ancestors 'self'; sandbox"
)


def _event(event: str) -> dict:
    if event not in NOTIFICATION_EVENTS:
        abort(404)
    return NOTIFICATION_EVENTS[event]


@bp.get("/email-templates")
def email_templates():
    """Every notification email, whether it is customised, and its channels."""
    return render_section(
        "settings/email_templates.html",
        "email_templates",
        events=NOTIFICATION_EVENTS,
        overridden=overridden_events(),
        channels=get_settings("notifications"),
    )


@bp.route("/email-templates/<event>", methods=["GET", "POST"])
def email_template(event: str):
    """Edit subject and bodies; "Preview" renders the draft with sample data, "Save" stores it."""
    spec = _event(event)
    form = EmailTemplateForm(data=current_sources(event) if request.method == "GET" else None)
    preview = None
    if form.validate_on_submit():
        sources = {name: form[name].data for name in ("subject", "body_text", "body_html")}
        try:
            if request.form.get("action") == "preview":
                errors = check_sources(event, sources)
                if errors:
                    raise ValidationFailed(errors)
                preview = preview_notification(event, sources)
            else:
                save_template_override(event, sources, by=current_user)
                db.session.commit()
                flash(f"Email “{spec['label']}” saved.", "success")
                return redirect_to(url_for("settings.email_template", event=event))
        except ValidationFailed as exc:
            db.session.rollback()
            attach_errors(form, exc.errors)
    status = 422 if form.is_submitted() and form.errors else 200
    return render_section(
        "settings/email_template.html",
        "email_templates",
        status=status,
        form=form,
        event=event,
        spec=spec,
        preview=preview,
        overridden=event in overridden_events(),
    )


@bp.get("/email-templates/<event>/preview")
def email_template_preview(event: str):
    """The current template rendered with sample data."""
    spec = _event(event)
    subject, text, _ = preview_notification(event)
    return render_section(
        "settings/email_preview.html",
        "email_templates",
        event=event,
        spec=spec,
        subject=subject,
        text=text,
    )


@bp.get("/email-templates/<event>/preview.html")
def email_template_preview_html(event: str):
    """The HTML body alone, for the preview frame: sandboxed, no scripts, same origin only."""
    _event(event)
    _, _, html = preview_notification(event)
    response = make_response(html)
    response.headers["Content-Security-Policy"] = PREVIEW_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.post("/email-templates/<event>/reset")
def reset_email_template(event: str):
    """Go back to the default files."""
    spec = _event(event)
    reset_template(event, by=current_user)
    db.session.commit()
    flash(f"Email “{spec['label']}” reset to the default.", "success")
    return redirect_to(url_for("settings.email_template", event=event))
