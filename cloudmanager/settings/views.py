"""Settings pages: one page per group, the company logo, and notification email templates."""

from dataclasses import dataclass

from flask import flash, request, url_for
from flask_login import current_user

from cloudmanager.core.errors import ValidationFailed
from cloudmanager.core.forms import apply_errors, form_status
from cloudmanager.core.htmx import redirect_to, render_page
from cloudmanager.core.permissions import can
from cloudmanager.extensions import db
from cloudmanager.settings import bp
from cloudmanager.settings.forms import (
    CompanyForm,
    InvoicingForm,
    LocaleForm,
    LogoForm,
    NotificationsForm,
    SecurityForm,
)
from cloudmanager.settings.helpdesk_form import HelpdeskForm, RenameDepartmentForm
from cloudmanager.settings.logo import LOGO_MAX_BYTES, remove_logo, save_logo, send_logo
from cloudmanager.settings.services import format_invoice_number, get_settings, update_settings


@dataclass(frozen=True)
class Section:
    """One settings page: its endpoint, title, icon, form and the permission it needs."""

    name: str
    title: str
    icon: str
    permission: str
    form: type | None = None
    summary: str = ""


SECTIONS = [
    Section(
        "company",
        "Company profile",
        "building",
        "settings.edit",
        CompanyForm,
        "Legal name, address, VAT id, bank account, logo, contact.",
    ),
    Section(
        "locale",
        "Locale",
        "globe2",
        "settings.edit",
        LocaleForm,
        "Currency, date and number formats.",
    ),
    Section(
        "invoicing",
        "Invoicing",
        "receipt",
        "settings.billing",
        InvoicingForm,
        "Invoice numbers, payment terms, reminders, renewals, suspension.",
    ),
    Section(
        "helpdesk",
        "Helpdesk",
        "headset",
        "settings.edit",
        HelpdeskForm,
        "Departments and their agents, business hours, holidays, SLA targets.",
    ),
    Section(
        "notifications",
        "Notifications",
        "bell",
        "settings.edit",
        NotificationsForm,
        "Sender address; which events send email or SMS.",
    ),
    Section(
        "security",
        "Security",
        "shield-lock",
        "settings.edit",
        SecurityForm,
        "Two-factor policy, session timeout, lockout.",
    ),
    Section(
        "email_templates",
        "Email templates",
        "envelope-paper",
        "settings.view",
        None,
        "Subject and text of each notification email.",
    ),
]
BY_NAME = {section.name: section for section in SECTIONS}


def visible_sections() -> list[Section]:
    """The sections the signed-in user may open."""
    return [s for s in SECTIONS if can(current_user, s.permission)]


def render_section(template: str, section: str, status: int = 200, **context):
    """A settings page with the section navigation."""
    return render_page(
        template, status=status, section=BY_NAME[section], sections=visible_sections(), **context
    )


@bp.get("/")
def index():
    """The settings overview: the groups this user may change."""
    return render_page("settings/index.html", sections=visible_sections())


def settings_page(name: str, template: str = "settings/group.html", **context):
    """GET shows the group's form; POST checks and stores it (audited), then redirects."""
    section = BY_NAME[name]
    form = section.form()
    if request.method == "GET":
        form.load(get_settings(form.settings_prefix))
    if form.validate_on_submit():
        try:
            changed = update_settings(form.dump(), by=current_user)
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(
                form, ValidationFailed({form.field_for(k): m for k, m in exc.errors.items()})
            )
        else:
            db.session.commit()
            flash(f"{section.title} saved." if changed else "Nothing changed.", "success")
            return redirect_to(url_for(f"settings.{name}"))
    status = form_status(form)
    return render_section(template, name, status=status, form=form, **context)


@bp.route("/company", methods=["GET", "POST"])
def company():
    """Company profile, with the logo upload next to it."""
    return settings_page("company", "settings/company.html", logo_form=LogoForm())


@bp.post("/company/logo")
def upload_logo():
    """Store a new logo (PNG, JPEG or WebP), checked by content, not by name."""
    logo_form = LogoForm()
    upload = logo_form.logo.data if logo_form.validate_on_submit() else None
    try:
        save_logo(upload.read(LOGO_MAX_BYTES + 1) if upload else b"", by=current_user)
    except ValidationFailed as exc:
        db.session.rollback()
        apply_errors(logo_form, exc)
        form = CompanyForm(formdata=None)
        form.load(get_settings("company"))
        return render_section(
            "settings/company.html", "company", status=422, form=form, logo_form=logo_form
        )
    db.session.commit()
    flash("Logo uploaded.", "success")
    return redirect_to(url_for("settings.company"))


@bp.post("/company/logo/remove", endpoint="remove_logo")
def remove_logo_view():
    """Show the default brand again."""
    remove_logo(by=current_user)
    db.session.commit()
    flash("Logo removed.", "success")
    return redirect_to(url_for("settings.company"))


@bp.get("/logo/<name>")
def logo(name: str):
    """The company logo (public: it appears on sign-in pages and in emails)."""
    return send_logo(name)


@bp.route("/locale", methods=["GET", "POST"])
def locale():
    """Currency, date and number formats."""
    return settings_page("locale")


@bp.route("/invoicing", methods=["GET", "POST"])
def invoicing():
    """Numbering, terms and dunning (admins and accountants)."""
    from datetime import date

    example = format_invoice_number(42, year=date.today().year)
    return settings_page("invoicing", example_number=example)


def _helpdesk_context(**context):
    from cloudmanager.products.models import SUPPORT_TIERS
    from cloudmanager.settings.helpdesk_rules import PRIORITIES, WEEKDAYS

    context.setdefault("rename_form", RenameDepartmentForm(formdata=None))
    return {"tiers": SUPPORT_TIERS, "priorities": PRIORITIES, "weekdays": WEEKDAYS, **context}


@bp.route("/helpdesk", methods=["GET", "POST"])
def helpdesk():
    """Departments (each with its own calendar and members), hours, holidays and SLA targets."""
    return settings_page("helpdesk", "settings/helpdesk.html", **_helpdesk_context())


@bp.post("/helpdesk/rename")
def rename_department():
    """Rename a department, keeping its calendar, members, tickets and canned responses."""
    from cloudmanager.tickets.departments import rename_department as rename

    rename_form = RenameDepartmentForm()
    if rename_form.validate_on_submit():
        old, new = rename_form.old_name.data, rename_form.new_name.data
        try:
            moved = rename(old, new, by=current_user)
        except ValidationFailed as exc:
            db.session.rollback()
            error = exc.errors["new_name"]
        else:
            db.session.commit()
            flash(f"Department renamed; {moved} tickets moved with it.", "success")
            return redirect_to(url_for("settings.helpdesk"))
    else:
        error = " ".join(rename_form.csrf_token.errors) or "The form expired; try again."
    form = HelpdeskForm(formdata=None)
    form.load(get_settings("helpdesk"))
    context = _helpdesk_context(rename_form=rename_form, rename_error=error)
    return render_section("settings/helpdesk.html", "helpdesk", status=422, form=form, **context)


@bp.route("/notifications", methods=["GET", "POST"])
def notifications():
    """Sender and channels per event."""
    return settings_page("notifications")


@bp.route("/security", methods=["GET", "POST"])
def security():
    """Two-factor policy and session rules."""
    return settings_page("security")
