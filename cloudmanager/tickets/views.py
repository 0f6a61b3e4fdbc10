"""Staff ticket pages: lists, the ticket with its conversation, replies and controls."""

from flask import abort, flash, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cloudmanager.auth.models import AuditEntry, User
from cloudmanager.core.errors import DomainError
from cloudmanager.core.forms import apply_errors
from cloudmanager.core.htmx import redirect_to, render_page, toast
from cloudmanager.core.pagination import clamp_page_size, keyset_page
from cloudmanager.core.permissions import can
from cloudmanager.extensions import db
from cloudmanager.tickets import bp, changes, services
from cloudmanager.tickets.attachments import max_upload_label, send_attachment
from cloudmanager.tickets.forms import FilterForm, LinkCustomerForm, PropertiesForm, ReplyForm
from cloudmanager.tickets.helpdesk import departments, ticket_staff
from cloudmanager.tickets.models import CannedResponse, Ticket, TicketAttachment, TicketMessage
from cloudmanager.tickets.queries import VIEWS, sla_state, ticket_list_statement
from cloudmanager.tickets.text import fill_placeholders, placeholder_values

FILTER_KEYS = ("view", "q", "status", "priority", "department", "assignee", "tag")


def _ticket_or_404(ticket_id: int) -> Ticket:
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None:
        abort(404)
    return ticket


@bp.get("/")
def index():
    """Ticket lists (my, unassigned, open, breaching, all) with filters; polls itself."""
    form = FilterForm(request.args)
    form.department.choices = [("", "Any department")] + [(d, d) for d in departments()]
    form.assignee.choices = [("", "Anyone")] + [(str(u.id), u.name) for u in ticket_staff()]
    view = form.view.data if form.view.data in VIEWS else "open"
    filters = {key: (request.args.get(key) or "").strip() for key in FILTER_KEYS}
    if filters["assignee"] and not filters["assignee"].isdigit():
        filters["assignee"] = ""
    stmt = ticket_list_statement(view, user=current_user, filters=filters)
    page = keyset_page(
        stmt,
        [Ticket.id],
        cursor=request.args.get("cursor"),
        size=clamp_page_size(request.args.get("size")),
        descending=True,
    )
    params = {k: v for k, v in request.args.items() if v and k in FILTER_KEYS + ("size",)}
    poll_params = dict(
        params, **({"cursor": request.args["cursor"]} if "cursor" in request.args else {})
    )
    return render_page(
        "tickets/index.html",
        "tickets/_rows.html",
        form=form,
        page=page,
        view=view,
        views=VIEWS,
        params=params,
        poll_url=url_for("tickets.index", **poll_params),
        sla_state=sla_state,
    )


def _conversation(ticket: Ticket) -> list[TicketMessage]:
    return list(
        db.session.scalars(
            select(TicketMessage)
            .options(selectinload(TicketMessage.attachments))
            .where(TicketMessage.ticket_id == ticket.id)
            .order_by(TicketMessage.id)
        )
    )


def _history(ticket: Ticket) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.object_type == "ticket", AuditEntry.object_id == str(ticket.id))
            .order_by(AuditEntry.id.desc())
            .limit(50)
        )
    )


def _properties_form(ticket: Ticket, formdata=None) -> PropertiesForm:
    form = PropertiesForm(formdata=formdata, obj=ticket)
    form.assignee.choices = [("", "Unassigned")] + [(str(u.id), u.name) for u in ticket_staff()]
    form.department.choices = [(d, d) for d in departments()]
    if formdata is None:
        form.assignee.data = str(ticket.assignee_id or "")
        form.tags.data = ", ".join(ticket.tags)
    return form


def _detail(ticket: Ticket, reply_form: ReplyForm | None = None, status: int = 200):
    canned = db.session.scalars(select(CannedResponse).order_by(CannedResponse.title)).all()
    return render_page(
        "tickets/detail.html",
        ticket=ticket,
        messages=_conversation(ticket),
        history=_history(ticket),
        reply_form=reply_form or ReplyForm(formdata=None),
        properties_form=_properties_form(ticket),
        link_form=LinkCustomerForm(formdata=None),
        canned=canned,
        can_work=can(current_user, "tickets.reply"),
        max_upload=max_upload_label(),
        sla_state=sla_state,
        status=status,
    )


@bp.get("/<int:ticket_id>")
def detail(ticket_id: int):
    """One ticket: conversation, SLA clocks, controls and history."""
    return _detail(_ticket_or_404(ticket_id))


@bp.post("/<int:ticket_id>/reply")
def reply(ticket_id: int):
    """Reply to the customer or add an internal note."""
    ticket = _ticket_or_404(ticket_id)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            services.add_reply(
                ticket,
                author=current_user,
                body=form.body.data,
                internal=form.internal.data,
                attachments=request.files.getlist(form.attachments.name),
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash("Internal note added." if form.internal.data else "Reply sent.", "success")
            return redirect_to(url_for("tickets.detail", ticket_id=ticket.id))
    return _detail(_ticket_or_404(ticket_id), reply_form=form, status=422)


@bp.post("/<int:ticket_id>/canned")
def canned_insert(ticket_id: int):
    """The reply box with a canned response (placeholders filled) added to what was typed."""
    ticket = _ticket_or_404(ticket_id)
    form = ReplyForm(formdata=None)
    typed = request.form.get("body", "")
    response = db.session.get(CannedResponse, request.form.get("canned_id", type=int) or 0)
    text = (
        fill_placeholders(response.body, placeholder_values(ticket, current_user))
        if response
        else ""
    )
    form.body.data = "\n\n".join(part for part in (typed.rstrip(), text) if part)
    return render_page("tickets/_reply_body.html", form=form)


def _apply_change(ticket: Ticket, name: str, value: str) -> None:
    if name == "status":
        services.change_status(ticket, value, by=current_user)
    elif name == "priority":
        changes.change_priority(ticket, value, by=current_user)
    elif name == "department":
        changes.change_department(ticket, value, by=current_user)
    elif name == "assignee":
        user = db.session.get(User, int(value)) if value.isdigit() else None
        if value and user is None:
            raise DomainError("Choose an agent.", field="assignee")
        changes.change_assignee(ticket, user, by=current_user)
    elif name == "tags":
        changes.set_tags(ticket, value.split(","), by=current_user)
    else:
        raise DomainError("Nothing to change.")


@bp.post("/<int:ticket_id>/properties")
def update(ticket_id: int):
    """Change one property (the select that changed) and answer the refreshed panel."""
    ticket = _ticket_or_404(ticket_id)
    name = request.form.get("field", "")
    try:
        _apply_change(ticket, name, request.form.get(name, "").strip())
    except DomainError as error:
        db.session.rollback()
        ticket = _ticket_or_404(ticket_id)
        response = render_page(
            "tickets/_properties.html",
            ticket=ticket,
            properties_form=_properties_form(ticket),
            sla_state=sla_state,
            status=422,
        )
        return toast(response, error.message, "danger")
    db.session.commit()
    if not request.headers.get("HX-Request"):
        return redirect_to(url_for("tickets.detail", ticket_id=ticket.id))
    response = render_page(
        "tickets/_properties.html",
        ticket=ticket,
        properties_form=_properties_form(ticket),
        sla_state=sla_state,
    )
    response.headers["HX-Trigger-After-Settle"] = "ticket-changed"
    return toast(response, "Saved.")


@bp.post("/<int:ticket_id>/customer")
def link_customer(ticket_id: int):
    """Link a ticket from an unknown sender to a customer by its number."""
    from cloudmanager.customers.models import Customer

    ticket = _ticket_or_404(ticket_id)
    form = LinkCustomerForm()
    number = (form.customer_number.data or "").strip().upper()
    customer = db.session.scalar(select(Customer).where(Customer.number == number))
    if not form.validate_on_submit() or customer is None:
        flash(f"No customer has the number {number or '(empty)'}.", "danger")
    else:
        changes.link_customer(ticket, customer, by=current_user)
        db.session.commit()
        flash(f"Linked to {customer.name}.", "success")
    return redirect_to(url_for("tickets.detail", ticket_id=ticket.id))


@bp.get("/<int:ticket_id>/attachments/<int:attachment_id>")
def attachment(ticket_id: int, attachment_id: int):
    """Download an attachment of this ticket."""
    row = db.session.get(TicketAttachment, attachment_id)
    if row is None or row.ticket_id != ticket_id:
        abort(404)
    return send_attachment(row)


@bp.context_processor
def template_helpers() -> dict:
    """`can()` for the ticket templates."""
    return {"can": can}
