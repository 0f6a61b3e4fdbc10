"""Staff ticket pages: lists, polling, constant queries, ticket page controls, downloads."""

import io

from sqlalchemy import select

from cloudmanager.tickets.models import CannedResponse, Ticket, TicketAttachment

HX = {"HX-Request": "true"}


def test_the_open_list_shows_tickets_and_polls_with_the_same_filters(client, login_as, make_ticket):
    ticket = make_ticket(subject="Disk full on db-1")
    login_as("agent")
    page = client.get("/tickets/?view=open&priority=normal").get_data(as_text=True)
    assert "Disk full on db-1" in page and ticket.number in page
    assert 'hx-trigger="every 30s"' in page
    assert "/tickets/?view=open&amp;priority=normal" in page


def test_the_htmx_request_gets_only_the_rows(client, login_as, make_ticket):
    make_ticket()
    login_as("agent")
    fragment = client.get("/tickets/?view=open", headers=HX).get_data(as_text=True)
    assert 'id="ticket-rows"' in fragment
    assert "<html" not in fragment


def test_search_finds_by_subject_and_filters_narrow(client, login_as, make_ticket):
    make_ticket(subject="Invoice question", department="Billing")
    make_ticket(subject="Kernel panic")
    login_as("agent")
    page = client.get("/tickets/?view=all&q=kernel").get_data(as_text=True)
    assert "Kernel panic" in page and "Invoice question" not in page
    page = client.get("/tickets/?view=all&department=Billing").get_data(as_text=True)
    assert "Invoice question" in page and "Kernel panic" not in page


def test_my_tickets_and_unassigned_views(client, login_as, make_ticket, db):
    agent = login_as("agent")
    mine = make_ticket(subject="Mine")
    make_ticket(subject="Nobody's")
    mine.assignee_id = agent.id
    db.session.commit()
    assert "Nobody" not in client.get("/tickets/?view=mine").get_data(as_text=True)
    page = client.get("/tickets/?view=unassigned").get_data(as_text=True)
    assert "Nobody&#39;s" in page and ">Mine<" not in page


def test_the_list_runs_the_same_number_of_queries_for_3_and_30_rows(
    client, login_as, make_ticket, make_customer, count_queries, db
):
    login_as("agent")
    customer = make_customer()
    for _ in range(3):
        make_ticket(customer=customer)
    with count_queries() as few:
        client.get("/tickets/?view=all&size=50")
    for _ in range(27):
        make_ticket(customer=make_customer())
    with count_queries() as many:
        client.get("/tickets/?view=all&size=50")
    assert few.count == many.count


def test_keyset_pages_do_not_repeat_rows(client, login_as, make_ticket, make_customer):
    login_as("agent")
    customer = make_customer()
    for n in range(5):
        make_ticket(customer=customer, subject=f"Ticket number {n}")
    first = client.get("/tickets/?view=all&size=3").get_data(as_text=True)
    assert "Ticket number 4" in first and "Ticket number 1" not in first
    cursor = first.split("cursor=")[1].split('"')[0].split("&")[0]
    second = client.get(f"/tickets/?view=all&size=3&cursor={cursor}").get_data(as_text=True)
    assert "Ticket number 1" in second and "Ticket number 4" not in second


def test_agents_reply_with_an_attachment_and_the_file_downloads_as_attachment(
    client, login_as, make_ticket, db
):
    ticket = make_ticket()
    login_as("agent")
    response = client.post(
        f"/tickets/{ticket.id}/reply",
        data={"body": "Here is the log.", "attachments": (io.BytesIO(b"%PDF-1.4 test"), "log.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    row = db.session.scalar(select(TicketAttachment))
    download = client.get(f"/tickets/{ticket.id}/attachments/{row.id}")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/tickets/{ticket.id + 1}/attachments/{row.id}").status_code == 404


def test_a_reply_with_a_refused_file_shows_the_error_and_saves_nothing(
    client, login_as, make_ticket, db
):
    ticket = make_ticket()
    login_as("agent")
    response = client.post(
        f"/tickets/{ticket.id}/reply",
        data={"body": "exe", "attachments": (io.BytesIO(b"MZ\x90\x00\x03" * 20), "tool.exe")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "not accepted" in response.get_data(as_text=True)
    assert len(db.session.get(Ticket, ticket.id).messages) == 1


def test_message_bodies_are_escaped(client, login_as, make_ticket):
    ticket = make_ticket(body="<script>alert(1)</script>")
    login_as("agent")
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_status_changes_with_htmx_and_shows_in_the_history(client, login_as, make_ticket, db):
    ticket = make_ticket()
    login_as("agent")
    response = client.post(
        f"/tickets/{ticket.id}/properties",
        data={"field": "status", "status": "on_hold"},
        headers=HX,
    )
    assert response.status_code == 200 and "toast" in response.headers["HX-Trigger"]
    assert db.session.get(Ticket, ticket.id).status == "on_hold"
    assert "ticket.status_changed" in client.get(f"/tickets/{ticket.id}").get_data(as_text=True)


def test_a_bad_property_value_answers_422_and_changes_nothing(client, login_as, make_ticket, db):
    ticket = make_ticket()
    login_as("agent")
    response = client.post(
        f"/tickets/{ticket.id}/properties", data={"field": "priority", "priority": "x"}, headers=HX
    )
    assert response.status_code == 422
    assert db.session.get(Ticket, ticket.id).priority == "normal"


def test_canned_responses_insert_with_placeholders_filled(client, login_as, make_ticket, db):
    ticket = make_ticket()
    db.session.add(CannedResponse(title="Hi", body="Dear {contact_name}, re {ticket_number}"))
    db.session.commit()
    canned = db.session.scalar(select(CannedResponse))
    login_as("agent")
    fragment = client.post(
        f"/tickets/{ticket.id}/canned", data={"canned_id": canned.id, "body": "Typed"}, headers=HX
    ).get_data(as_text=True)
    assert "Typed" in fragment and f"re {ticket.number}" in fragment
    assert ticket.requester.name in fragment


def test_accountants_read_tickets_but_cannot_reply(client, login_as, make_ticket):
    ticket = make_ticket()
    login_as("accountant")
    assert client.get(f"/tickets/{ticket.id}").status_code == 200
    response = client.post(f"/tickets/{ticket.id}/reply", data={"body": "x"})
    assert response.status_code == 403


def test_managers_add_canned_responses(client, login_as, db):
    login_as("manager")
    response = client.post("/tickets/canned", data={"title": "Reboot", "body": "Please reboot."})
    assert response.status_code == 302
    assert db.session.scalar(select(CannedResponse.title)) == "Reboot"


def test_the_tag_filter_keeps_only_tagged_tickets(client, login_as, make_ticket, users, db):
    from cloudmanager.tickets.changes import set_tags

    tagged = make_ticket(subject="Tagged one")
    make_ticket(subject="Plain one")
    set_tags(tagged, ["DNS", " outage "], by=users["agent"])
    db.session.commit()
    login_as("agent")
    page = client.get("/tickets/?view=all&tag=dns").get_data(as_text=True)
    assert "Tagged one" in page and "Plain one" not in page


def test_staff_open_a_ticket_for_a_contact_in_the_customers_words(
    client, login_as, make_customer, db
):
    customer = make_customer(contact_email="ada@acme.example")
    login_as("agent")
    response = client.post(
        "/tickets/new",
        data={
            "requester_email": "ADA@acme.example",
            "department": "Sales",
            "priority": "low",
            "subject": "Called about a quote",
            "body": "Wants 3 more servers.",
        },
    )
    assert response.status_code == 302
    ticket = db.session.scalar(select(Ticket))
    assert ticket.customer_id == customer.id and ticket.source == "staff"
    assert ticket.messages[0].author_contact_id == customer.contacts[0].id


def test_opening_a_ticket_without_subject_shows_the_error(client, login_as):
    login_as("agent")
    response = client.post("/tickets/new", data={"requester_email": "x@y.example", "body": "b"})
    assert response.status_code == 422 and "subject" in response.get_data(as_text=True).lower()


def test_files_of_a_refused_reply_are_not_left_on_disk(client, login_as, make_ticket, app):
    from pathlib import Path

    ticket = make_ticket()
    login_as("agent")
    root = Path(app.config["STORAGE_DIR"])
    before = {p for p in root.rglob("*") if p.is_file()}
    client.post(
        f"/tickets/{ticket.id}/reply",
        data={
            "body": "two files",
            "attachments": [
                (io.BytesIO(b"%PDF-1.4 ok"), "ok.pdf"),
                (io.BytesIO(b"MZ\x90\x00" * 40), "bad.exe"),
            ],
        },
        content_type="multipart/form-data",
    )
    assert {p for p in root.rglob("*") if p.is_file()} == before


def _row(html: str, subject: str) -> str:
    """The table row of the ticket with `subject`."""
    return next(row for row in html.split("<tr>") if subject in row)


def test_the_breaching_view_lists_targets_due_within_the_hour_with_their_badges(
    client, login_as, make_ticket, users, db
):
    from datetime import timedelta

    from cloudmanager.core.timeutil import utcnow
    from cloudmanager.tickets.services import add_reply

    now = utcnow()
    due = {
        "Due in half an hour": (now + timedelta(minutes=30), now + timedelta(days=2)),
        "First response already late": (now - timedelta(minutes=10), now + timedelta(days=2)),
        "Resolution due soon": (now + timedelta(days=1), now + timedelta(minutes=20)),
        "Plenty of time": (now + timedelta(days=1), now + timedelta(days=2)),
    }
    for subject, (first, resolve) in due.items():
        ticket = make_ticket(subject=subject)
        ticket.first_response_due_at, ticket.resolution_due_at = first, resolve
    waiting = make_ticket(subject="Waiting on the customer")
    add_reply(waiting, author=users["agent"], body="Which VM?")  # answered; the clock pauses
    waiting.resolution_due_at = now + timedelta(minutes=5)
    db.session.commit()
    login_as("agent")

    html = client.get("/tickets/?view=breaching").get_data(as_text=True)
    assert "Plenty of time" not in html and "Waiting on the customer" not in html
    assert "sla-due-soon" in _row(html, "Due in half an hour")
    assert "sla-breached" in _row(html, "First response already late")
    resolution = _row(html, "Resolution due soon")
    assert "sla-due-soon" in resolution and "sla-ok" in resolution
    assert 'hx-get="/tickets/?view=breaching"' in html

    html = client.get("/tickets/?view=breached").get_data(as_text=True)
    assert "First response already late" in html and "Due in half an hour" not in html
