"""Portal isolation: signed in as customer A, every URL with customer B's ids answers 404."""

import re

import pytest
from sqlalchemy import select

from cloudmanager.core.permissions import ENDPOINTS, PORTAL
from cloudmanager.tickets.models import TicketAttachment
from cloudmanager.tickets.services import open_ticket


@pytest.fixture
def foreign(make_portal_user, db):
    """Customer B's ticket with an attachment on a public message."""
    user_b = make_portal_user()
    ticket = open_ticket(
        subject="B's secret",
        body="B only",
        department="Billing",
        requester=user_b.contact,
        attachments=[("b.txt", b"for B only")],
    )
    db.session.commit()
    attachment = db.session.scalar(select(TicketAttachment))
    return {"ticket_id": ticket.id, "attachment_id": attachment.id}


def portal_rules_with_ids(app):
    for rule in app.url_map.iter_rules():
        if ENDPOINTS.get(rule.endpoint) == PORTAL and rule.arguments:
            yield rule


def test_every_portal_url_with_another_customers_ids_answers_404(
    app, client, make_portal_user, portal_login, foreign
):
    portal_login(make_portal_user())
    rules = list(portal_rules_with_ids(app))
    assert {r.endpoint for r in rules} >= {"portal.ticket", "portal.attachment", "portal.reply"}
    for rule in rules:
        url = re.sub(r"<(?:int:)?(\w+)>", lambda m: str(foreign[m.group(1)]), rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"body": "sneaky"} if method == "POST" else None
            for headers in ({}, {"HX-Request": "true"}):
                response = client.open(url, method=method, data=data, headers=headers)
                assert response.status_code == 404, (method, url, headers, response.status_code)


def test_foreign_ids_change_nothing(app, client, make_portal_user, portal_login, foreign, db):
    from cloudmanager.tickets.models import Ticket

    portal_login(make_portal_user())
    client.post(f"/portal/tickets/{foreign['ticket_id']}/close")
    client.post(f"/portal/tickets/{foreign['ticket_id']}/reply", data={"body": "x"})
    ticket = db.session.get(Ticket, foreign["ticket_id"])
    assert ticket.status == "new" and len(ticket.messages) == 1


def test_the_own_ticket_answers_so_the_404s_are_not_an_accident(
    client, make_portal_user, portal_login, foreign, db
):
    from cloudmanager.tickets.models import Ticket

    owner = db.session.get(Ticket, foreign["ticket_id"]).requester
    from cloudmanager.portal.models import PortalUser

    portal_login(db.session.scalar(select(PortalUser).where(PortalUser.contact_id == owner.id)))
    assert client.get(f"/portal/tickets/{foreign['ticket_id']}").status_code == 200
    url = f"/portal/tickets/{foreign['ticket_id']}/attachments/{foreign['attachment_id']}"
    download = client.get(url)
    assert download.status_code == 200 and download.headers["X-Content-Type-Options"] == "nosniff"
