"""Helpdesk in a real browser: a customer opens a ticket with a file on the portal, an agent
answers it from the ticket list, the customer reads the answer, and the reply email arrives at
a real SMTP server."""

import time

import pytest
from playwright.sync_api import expect

from tests.browser.support import DESKTOP, PHONE, session_cookie

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def portal_user(db):
    """Ada, a contact of Nordlicht Hosting with portal access."""
    from cloudmanager.auth.passwords import hash_password
    from cloudmanager.auth.services import new_session_stamp
    from cloudmanager.customers.models import Contact, Customer
    from cloudmanager.portal.models import PortalUser

    customer = Customer(
        number="C-000001", name="Nordlicht Hosting", email="b@nordlicht.example", country="DE"
    )
    contact = Contact(customer=customer, name="Ada Vogel", email="ada@nordlicht.example")
    user = PortalUser(
        contact=contact,
        email=contact.email,
        name=contact.name,
        password_hash=hash_password("x" * 20),
        session_stamp=new_session_stamp(),
    )
    db.session.add_all([customer, contact, user])
    db.session.commit()
    return user


def wait_for(predicate, timeout=10.0):
    """Poll `predicate` until it returns something truthy (mail arrives asynchronously)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_portal_ticket_with_attachment_is_answered_by_an_agent_and_mailed(
    live_server, browser, page, page_problems, portal_user, make_user, smtp_server
):
    agent = make_user("agent", name="Alex Agent")
    page.context.add_cookies([session_cookie(live_server.app, portal_user, live_server.url)])

    page.goto("/portal/tickets/new")
    page.get_by_label("Department").select_option("Technical support")
    page.get_by_label("Priority").select_option("high")
    page.get_by_label("Subject").fill("Mail to example.org bounces")
    page.get_by_label("Message").fill("Every mail to example.org bounces since this morning.")
    page.get_by_label("Attachments").set_input_files(
        [{"name": "bounce.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Open the ticket").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mail to example.org bounces")
    expect(page.get_by_role("link", name="bounce.pdf")).to_be_visible()

    staff = browser.new_context(base_url=live_server.url)
    staff.add_cookies([session_cookie(live_server.app, agent, live_server.url)])
    desk = staff.new_page()
    page_problems.watch(desk)
    desk.goto("/tickets/?view=open")
    desk.get_by_role("link", name="Mail to example.org bounces").click()
    expect(desk.get_by_role("link", name="bounce.pdf")).to_be_visible()
    desk.get_by_label("Message").fill("Your SPF record was missing; we added it.")
    desk.get_by_role("button", name="Send").click()
    expect(desk.locator(".ticket-staff .message-body")).to_contain_text("SPF record")
    staff.close()

    page.reload()
    expect(page.locator(".ticket-staff .message-body")).to_contain_text(
        "Your SPF record was missing; we added it."
    )

    mail = wait_for(
        lambda: [
            m
            for m in smtp_server.messages
            if "ada@nordlicht.example" in m.rcpt_tos
            and "SPF record" in m.message.get_body(("plain",)).get_content()
        ]
    )[0]
    assert "Mail to example.org bounces" in mail.message["Subject"]
    assert mail.message["Message-ID"].startswith("<cm.t")  # replies thread back by header
    assert mail.message["Auto-Submitted"] == "auto-generated"  # no out-of-office loops
    assert page_problems.all() == []


@pytest.fixture
def some_tickets(portal_user, make_user, db):
    """A ticket of Ada's with a staff reply and an internal note."""
    from cloudmanager.tickets.services import add_reply, open_ticket

    agent = make_user("agent")
    ticket = open_ticket(
        subject="A rather long subject about DNS propagation on every resolver",
        body="x " * 200,
        department="Technical support",
        requester=portal_user.contact,
    )
    add_reply(ticket, author=agent, body="Internal", internal=True)
    add_reply(ticket, author=agent, body="Public answer")
    db.session.commit()
    return ticket


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_portal_and_ticket_pages_open_cleanly(
    live_server, page, page_problems, portal_user, some_tickets, make_user, viewport
):
    pages = {
        portal_user: [
            "/portal/",
            "/portal/tickets",
            "/portal/tickets/new",
            "/portal/account",
            "/portal/account/2fa",
            f"/portal/tickets/{some_tickets.id}",
        ],
        make_user("manager"): [f"/tickets/{some_tickets.id}", "/tickets/?view=all"],
    }
    failures = {}
    for user, paths in pages.items():
        page.context.clear_cookies()
        page.context.add_cookies([session_cookie(live_server.app, user, live_server.url)])
        for path in paths:
            response = page.goto(path)
            page.wait_for_load_state("load")
            problems = list(page_problems.all())
            if response is None or response.status != 200:
                problems.append(f"status {response.status if response else 'none'}")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > viewport["width"]:
                problems.append(f"page is {width}px wide in a {viewport['width']}px window")
            if problems:
                failures[path] = problems
            page_problems.clear()
    assert failures == {}
