"""Portal tickets: open with files, read without internal notes, reply, close and reopen."""

import io

from sqlalchemy import select

from cloudmanager.tickets.models import Ticket, TicketAttachment
from cloudmanager.tickets.services import add_reply

HX = {"HX-Request": "true"}


def open_ticket(client, **extra):
    data = {
        "department": "Technical support",
        "priority": "high",
        "subject": "Mail bounces",
        "body": "All mail to example.org bounces.",
        **extra,
    }
    return client.post("/portal/tickets/new", data=data, content_type="multipart/form-data")


def test_a_customer_opens_a_ticket_with_an_attachment(client, make_portal_user, portal_login, db):
    user = portal_login(make_portal_user())
    response = open_ticket(client, attachments=(io.BytesIO(b"%PDF-1.4 x"), "bounce.pdf"))
    assert response.status_code == 302
    ticket = db.session.scalar(select(Ticket))
    assert ticket.customer_id == user.contact.customer_id and ticket.requester_id == user.contact_id
    assert ticket.source == "portal" and ticket.priority == "high"
    page = client.get(response.location).get_data(as_text=True)
    assert "bounce.pdf" in page and "All mail to example.org bounces." in page


def test_a_ticket_without_subject_shows_the_error_next_to_the_field(
    client, make_portal_user, portal_login
):
    portal_login(make_portal_user())
    response = open_ticket(client, subject="")
    assert response.status_code == 422 and "This field is required" in response.get_data(
        as_text=True
    )


def test_internal_notes_never_reach_the_portal(client, make_portal_user, portal_login, users, db):
    user = portal_login(make_portal_user())
    open_ticket(client)
    ticket = db.session.scalar(select(Ticket))
    note = add_reply(
        ticket,
        author=users["agent"],
        body="INTERNAL: customer is on a trial",
        internal=True,
        attachments=[("secret.txt", b"internal only")],
    )
    add_reply(ticket, author=users["agent"], body="We are looking into it.")
    db.session.commit()
    page = client.get(f"/portal/tickets/{ticket.id}").get_data(as_text=True)
    fragment = client.get(f"/portal/tickets/{ticket.id}", headers=HX).get_data(as_text=True)
    for html in (page, fragment):
        assert "We are looking into it." in html
        assert "INTERNAL" not in html and "secret.txt" not in html
    secret = db.session.scalar(
        select(TicketAttachment).where(TicketAttachment.message_id == note.id)
    )
    assert client.get(f"/portal/tickets/{ticket.id}/attachments/{secret.id}").status_code == 404
    assert user is not None


def test_the_customer_replies_closes_and_reopens(client, make_portal_user, portal_login, users, db):
    portal_login(make_portal_user())
    open_ticket(client)
    ticket = db.session.scalar(select(Ticket))
    add_reply(ticket, author=users["agent"], body="Please check the SPF record.")
    db.session.commit()
    client.post(f"/portal/tickets/{ticket.id}/reply", data={"body": "Done, thanks."})
    assert db.session.get(Ticket, ticket.id).status == "open"
    client.post(f"/portal/tickets/{ticket.id}/close")
    assert db.session.get(Ticket, ticket.id).status == "closed"
    client.post(f"/portal/tickets/{ticket.id}/reopen")
    assert db.session.get(Ticket, ticket.id).status == "open"


def test_the_dashboard_lists_open_tickets_of_the_customer_only(
    client, make_portal_user, portal_login, db
):
    other = make_portal_user()
    portal_login(other)
    open_ticket(client, subject="Someone else's problem")
    client.post("/portal/logout")
    portal_login(make_portal_user())
    open_ticket(client, subject="My own problem")
    page = client.get("/portal/").get_data(as_text=True)
    assert "My own problem" in page and "Someone else" not in page
    assert "Someone else" not in client.get("/portal/tickets").get_data(as_text=True)


def test_modules_add_dashboard_panels_rendered_for_the_signed_in_user(
    client, make_portal_user, portal_login
):
    from cloudmanager.portal.panels import PANELS, PortalPanel, register_panel

    saved = list(PANELS)
    register_panel(PortalPanel("invoices", 20, render=lambda u: f"<p>Invoices of {u.name}</p>"))
    try:
        user = portal_login(make_portal_user())
        page = client.get("/portal/").get_data(as_text=True)
    finally:
        PANELS[:] = saved
    assert f"Invoices of {user.name}" in page and "Open tickets" in page


def test_message_bodies_and_subjects_are_escaped_on_the_portal(
    client, make_portal_user, portal_login, users, db
):
    portal_login(make_portal_user())
    open_ticket(
        client, subject='<img src=x onerror="alert(1)">', body="<script>alert('c')</script>"
    )
    ticket = db.session.scalar(select(Ticket))
    add_reply(ticket, author=users["agent"], body='<a href="javascript:alert(2)">fix</a>')
    db.session.commit()
    page = client.get(f"/portal/tickets/{ticket.id}").get_data(as_text=True)
    fragment = client.get(f"/portal/tickets/{ticket.id}", headers=HX).get_data(as_text=True)
    listing = client.get("/portal/tickets").get_data(as_text=True)
    for html in (page, fragment):
        assert "<script>alert(" not in html and "&lt;script&gt;alert(" in html
        assert '<a href="javascript:' not in html and "&lt;a href=" in html
    for html in (page, listing):
        assert "<img src=x" not in html and "&lt;img src=x" in html
