"""Staff side of the portal: invite a contact, revoke access, and the customer's Tickets tab."""

from flask import abort, flash, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from cloudmanager.core.errors import DomainError
from cloudmanager.core.htmx import redirect_to
from cloudmanager.core.permissions import can
from cloudmanager.customers.tabs import CustomerTab, register_customer_tab
from cloudmanager.extensions import db
from cloudmanager.portal import staff_bp
from cloudmanager.portal.models import PortalUser
from cloudmanager.portal.services import invite_contact, revoke_access


def _contact_or_404(contact_id: int):
    from cloudmanager.customers.models import Contact

    contact = db.session.get(Contact, contact_id)
    if contact is None:
        abort(404)
    return contact


def _back(contact):
    return redirect_to(url_for("customers.detail", customer_id=contact.customer_id))


@staff_bp.post("/contacts/<int:contact_id>/invite")
def invite(contact_id: int):
    """Invite (or invite again) a contact to the portal."""
    contact = _contact_or_404(contact_id)
    try:
        invite_contact(contact, by=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(f"Portal invitation sent to {contact.email}.", "success")
    return _back(contact)


@staff_bp.post("/contacts/<int:contact_id>/revoke")
def revoke(contact_id: int):
    """Take a contact's portal access away (its sessions end)."""
    contact = _contact_or_404(contact_id)
    revoke_access(contact, by=current_user)
    db.session.commit()
    flash(f"{contact.name} no longer has portal access.", "success")
    return _back(contact)


def render_customer_tickets_tab(customer) -> str:
    """The customer page's Tickets tab: recent tickets and who has portal access."""
    from cloudmanager.tickets.models import Ticket

    tickets = db.session.scalars(
        select(Ticket).where(Ticket.customer_id == customer.id).order_by(Ticket.id.desc()).limit(20)
    ).all()
    accounts = {
        user.contact_id: user
        for user in db.session.scalars(
            select(PortalUser).where(PortalUser.contact_id.in_([c.id for c in customer.contacts]))
        )
    }
    return render_template(
        "portal/_customer_tab.html",
        customer=customer,
        tickets=tickets,
        accounts=accounts,
        can_invite=can(current_user, "portal.invite"),
    )


register_customer_tab(
    CustomerTab("tickets", "Tickets", "life-preserver", "tickets.view", render_customer_tickets_tab)
)
