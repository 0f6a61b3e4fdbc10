"""Portal tickets: dashboard, list, open, read (no internal notes), reply, close, reopen."""

from flask import flash, render_template, request, url_for

from cloudmanager.core.errors import DomainError
from cloudmanager.core.forms import apply_errors, form_status
from cloudmanager.core.htmx import redirect_to, render_page
from cloudmanager.core.pagination import clamp_page_size, keyset_page
from cloudmanager.extensions import db
from cloudmanager.portal import bp, current_portal_user, scoping
from cloudmanager.portal.forms import NewTicketForm, PortalReplyForm
from cloudmanager.portal.panels import PortalPanel, register_panel, render_panels
from cloudmanager.tickets import services
from cloudmanager.tickets.attachments import max_upload_label, send_attachment
from cloudmanager.tickets.helpdesk import departments
from cloudmanager.tickets.models import Ticket


def _open_tickets_panel(user) -> str:
    stmt = scoping.customer_tickets(user, open_only=True)
    page = keyset_page(stmt, [Ticket.id], size=5, descending=True)
    return render_template("portal/_panel_tickets.html", page=page)


register_panel(PortalPanel("tickets", 10, render=_open_tickets_panel))


@bp.get("/")
def index():
    """The dashboard: one card per registered panel."""
    return render_page("portal/index.html", panels=render_panels(current_portal_user()))


@bp.get("/tickets")
def tickets():
    """All of the customer's tickets, newest first."""
    page = keyset_page(
        scoping.customer_tickets(current_portal_user()),
        [Ticket.id],
        cursor=request.args.get("cursor"),
        size=clamp_page_size(request.args.get("size")),
        descending=True,
    )
    return render_page("portal/tickets.html", "portal/_ticket_rows.html", page=page)


def _new_form() -> NewTicketForm:
    form = NewTicketForm()
    form.department.choices = [(d, d) for d in departments()]
    return form


@bp.route("/tickets/new", methods=["GET", "POST"])
def new_ticket():
    """Open a ticket with attachments."""
    user = current_portal_user()
    form = _new_form()
    if form.validate_on_submit():
        try:
            ticket = services.open_ticket(
                subject=form.subject.data,
                body=form.body.data,
                department=form.department.data,
                priority=form.priority.data,
                requester=user.contact,
                by=user,
                source="portal",
                attachments=request.files.getlist(form.attachments.name),
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(f"Ticket {ticket.number} is open. We will answer soon.", "success")
            return redirect_to(url_for("portal.ticket", ticket_id=ticket.id))
    return render_page(
        "portal/new_ticket.html", form=form, max_upload=max_upload_label(), status=form_status(form)
    )


def _ticket_page(ticket: Ticket, form: PortalReplyForm | None = None, status: int = 200):
    return render_page(
        "portal/ticket.html",
        "portal/_conversation.html",
        ticket=ticket,
        messages=scoping.public_messages(ticket),
        form=form or PortalReplyForm(formdata=None),
        max_upload=max_upload_label(),
        status=status,
    )


@bp.get("/tickets/<int:ticket_id>")
def ticket(ticket_id: int):
    """The conversation (never the internal notes); htmx gets only the conversation."""
    return _ticket_page(scoping.get_ticket(current_portal_user(), ticket_id))


@bp.post("/tickets/<int:ticket_id>/reply")
def reply(ticket_id: int):
    """Reply; a resolved or closed ticket opens again."""
    user = current_portal_user()
    ticket = scoping.get_ticket(user, ticket_id)
    form = PortalReplyForm()
    if form.validate_on_submit():
        try:
            services.add_reply(
                ticket,
                author=user,
                body=form.body.data,
                source="portal",
                attachments=request.files.getlist(form.attachments.name),
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash("Your reply was sent.", "success")
            return redirect_to(url_for("portal.ticket", ticket_id=ticket.id))
    return _ticket_page(scoping.get_ticket(user, ticket_id), form, status=422)


@bp.post("/tickets/<int:ticket_id>/close")
def close_ticket(ticket_id: int):
    """The customer closes the ticket."""
    user = current_portal_user()
    ticket = scoping.get_ticket(user, ticket_id)
    services.change_status(ticket, "closed", by=user)
    db.session.commit()
    flash(f"{ticket.number} is closed. Reply or reopen it any time.", "success")
    return redirect_to(url_for("portal.ticket", ticket_id=ticket.id))


@bp.post("/tickets/<int:ticket_id>/reopen")
def reopen_ticket(ticket_id: int):
    """The customer reopens a resolved or closed ticket."""
    user = current_portal_user()
    ticket = scoping.get_ticket(user, ticket_id)
    if not ticket.is_open:
        services.change_status(ticket, "open", by=user)
        db.session.commit()
        flash(f"{ticket.number} is open again.", "success")
    return redirect_to(url_for("portal.ticket", ticket_id=ticket.id))


@bp.get("/tickets/<int:ticket_id>/attachments/<int:attachment_id>")
def attachment(ticket_id: int, attachment_id: int):
    """Download a file of the conversation (as an attachment, nosniff)."""
    return send_attachment(scoping.get_attachment(current_portal_user(), ticket_id, attachment_id))
