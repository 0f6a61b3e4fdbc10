"""Staff open a ticket on a customer's behalf (phone call, chat, letter)."""

from flask import flash, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from cloudmanager.core.errors import DomainError
from cloudmanager.core.forms import apply_errors, form_status
from cloudmanager.core.htmx import redirect_to, render_page
from cloudmanager.extensions import db
from cloudmanager.tickets import bp, services
from cloudmanager.tickets.attachments import max_upload_label
from cloudmanager.tickets.forms import NewTicketForm
from cloudmanager.tickets.helpdesk import departments


def contact_by_email(email: str):
    """The first contact with this email address (any case), or None."""
    from cloudmanager.customers.models import Contact

    return db.session.scalar(
        select(Contact)
        .where(func.lower(Contact.email) == (email or "").strip().lower())
        .order_by(Contact.id)
        .limit(1)
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Open a ticket for a contact (or an unknown sender staff can link later)."""
    form = NewTicketForm()
    form.department.choices = [(d, d) for d in departments()]
    if form.validate_on_submit():
        email = form.requester_email.data.strip().lower()
        try:
            ticket = services.open_ticket(
                subject=form.subject.data,
                body=form.body.data,
                department=form.department.data,
                priority=form.priority.data,
                requester=contact_by_email(email),
                requester_email=email,
                by=current_user,
                source="staff",
                attachments=request.files.getlist(form.attachments.name),
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(f"Ticket {ticket.number} opened.", "success")
            return redirect_to(url_for("tickets.detail", ticket_id=ticket.id))
    return render_page(
        "tickets/new.html", form=form, max_upload=max_upload_label(), status=form_status(form)
    )
