"""Portal isolation: signed in as customer A, every URL with customer B's ids answers 404.

The URLs come from the portal blueprint's rules in the URL map, so a route
added later is checked too; a route taking an argument nobody has a sample
for fails the test instead of being skipped.
"""

import re

import pytest
from sqlalchemy import select

from cloudmanager.core.permissions import ENDPOINTS, PORTAL, PUBLIC
from cloudmanager.portal.models import PortalUser
from cloudmanager.tickets.models import TicketAttachment
from cloudmanager.tickets.services import open_ticket

HX = {"HX-Request": "true"}
# Public portal routes take a signed token, not an object id.
TOKEN_ROUTES = {"portal.reset_password", "portal.accept_invite"}


@pytest.fixture
def foreign(make_portal_user, make_invoice, make_service, make_product, staff, db, jobs):
    """Customer B's ticket, attachment, invoice, credit note, service and order."""
    from cloudmanager.invoices.credit_notes import create_credit_note
    from cloudmanager.orders.models import Order

    user_b = make_portal_user()
    ticket = open_ticket(
        subject="B's secret",
        body="B only",
        department="Billing",
        requester=user_b.contact,
        attachments=[("b.txt", b"for B only")],
    )
    invoice = make_invoice(user_b, "100.00")
    note = create_credit_note(
        invoice, {"quantities": {invoice.lines[0].id: "0.5"}, "reason": "B's credit"}, by=staff
    )
    db.session.commit()
    service = make_service(user_b, product=make_product())
    order = db.session.scalar(select(Order).where(Order.customer_id == user_b.customer_id))
    return {
        "ticket_id": ticket.id,
        "attachment_id": db.session.scalar(select(TicketAttachment.id)),
        "invoice_id": invoice.id,
        "note_id": note.id,
        "service_id": service.id,
        "order_id": order.id,
        "owner_id": user_b.id,
    }


def portal_rules(app):
    """Every rule of the portal blueprint."""
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("portal.")]


def rules_with_ids(app, samples):
    """Portal rules that take arguments; fails on an argument without a sample."""
    rules = []
    for rule in portal_rules(app):
        level = ENDPOINTS.get(rule.endpoint)
        assert level in (PORTAL, PUBLIC), f"{rule.endpoint} is not in the permission matrix"
        if not rule.arguments or rule.endpoint in TOKEN_ROUTES:
            continue
        assert level == PORTAL, rule.endpoint
        missing = rule.arguments - set(samples)
        assert not missing, f"no sample of {missing} for {rule.rule}: add one to `foreign`"
        rules.append(rule)
    return rules


def url_for_rule(rule, samples) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(samples[m.group(1)]), rule.rule)


def test_every_portal_url_with_another_customers_ids_answers_404(
    app, client, make_portal_user, portal_login, foreign
):
    portal_login(make_portal_user())
    rules = rules_with_ids(app, foreign)
    expected = {
        "portal.ticket",
        "portal.attachment",
        "portal.reply",
        "portal.invoice",
        "portal.invoice_pdf",
        "portal.invoice_pdf_status",
        "portal.credit_note_pdf",
        "portal.credit_note_pdf_status",
        "portal.service",
        "portal.cancel_service",
        "portal.keep_service",
        "portal.order",
    }
    assert {r.endpoint for r in rules} >= expected
    for rule in rules:
        url = url_for_rule(rule, foreign)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"body": "sneaky", "reason": "sneaky"} if method == "POST" else None
            for headers in ({}, HX):
                response = client.open(url, method=method, data=data, headers=headers)
                assert response.status_code == 404, (method, url, headers, response.status_code)


def test_a_portal_route_without_a_sample_fails_the_walk(app, foreign):
    app.add_url_rule("/portal/widgets/<int:widget_id>", "portal.widget", lambda widget_id: "")
    ENDPOINTS["portal.widget"] = PORTAL
    try:
        with pytest.raises(AssertionError, match="widget_id"):
            rules_with_ids(app, foreign)
    finally:
        del ENDPOINTS["portal.widget"]


def test_the_owner_opens_every_one_of_those_urls(app, client, portal_login, foreign, db):
    """The same URLs answer the owner, so the 404s above are not an accident."""
    portal_login(db.session.get(PortalUser, foreign["owner_id"]))
    for rule in rules_with_ids(app, foreign):
        if "GET" not in rule.methods:
            continue
        htmx_only = getattr(app.view_functions[rule.endpoint], "htmx_only", False)
        response = client.get(url_for_rule(rule, foreign), headers=HX if htmx_only else {})
        assert response.status_code in (200, 202), (rule.rule, response.status_code)


def test_foreign_ids_change_nothing(client, make_portal_user, portal_login, foreign, db):
    from cloudmanager.orders.models import Service
    from cloudmanager.tickets.models import Ticket

    portal_login(make_portal_user())
    client.post(f"/portal/tickets/{foreign['ticket_id']}/close")
    client.post(f"/portal/tickets/{foreign['ticket_id']}/reply", data={"body": "x"})
    client.post(f"/portal/services/{foreign['service_id']}/cancel", data={"reason": "x"})
    ticket = db.session.get(Ticket, foreign["ticket_id"])
    assert ticket.status == "new" and len(ticket.messages) == 1
    assert db.session.get(Service, foreign["service_id"]).cancel_at_period_end is False


def test_lists_and_panels_never_show_another_customers_rows(
    client, make_portal_user, portal_login, foreign, db
):
    from cloudmanager.invoices.credit_models import CreditNote
    from cloudmanager.invoices.models import Invoice
    from cloudmanager.orders.models import Order

    portal_login(make_portal_user())
    invoice = db.session.get(Invoice, foreign["invoice_id"])
    note = db.session.get(CreditNote, foreign["note_id"])
    order = db.session.get(Order, foreign["order_id"])
    for path in (
        "/portal/",
        "/portal/invoices",
        "/portal/statement",
        "/portal/services",
        "/portal/orders",
        "/portal/tickets",
    ):
        html = client.get(path).get_data(as_text=True)
        for secret in (invoice.number, note.number, order.number, "B's secret", "Portal Server"):
            assert secret not in html, (path, secret)


def test_an_attachment_download_is_served_as_an_attachment_to_its_owner(
    client, portal_login, foreign, db
):
    portal_login(db.session.get(PortalUser, foreign["owner_id"]))
    url = f"/portal/tickets/{foreign['ticket_id']}/attachments/{foreign['attachment_id']}"
    download = client.get(url)
    assert download.status_code == 200 and download.headers["X-Content-Type-Options"] == "nosniff"
