"""Inbound email: real .eml samples land as new tickets, replies, or nowhere."""

from pathlib import Path

from sqlalchemy import func, select

from cloudmanager.tickets.mailin import ingest
from cloudmanager.tickets.models import Ticket, TicketAttachment, TicketMessage

EML = Path(__file__).parent / "eml"


def sample(name: str, **replace: str) -> bytes:
    raw = (EML / name).read_bytes()
    for old, new in replace.items():
        raw = raw.replace(old.encode(), new.encode())
    return raw


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_plain_mail_from_a_known_contact_opens_a_ticket_for_its_customer(make_customer, db):
    customer = make_customer(contact_email="ada@acme.example")
    result = ingest(sample("plain.eml"))
    db.session.commit()
    assert result.action == "created"
    ticket = result.ticket
    assert ticket.customer_id == customer.id and ticket.requester.email == "ada@acme.example"
    assert ticket.subject == "Our VPS is unreachable" and ticket.source == "email"
    assert "vm-42 does not answer" in ticket.messages[0].body


def test_an_html_only_mail_becomes_plain_text_without_scripts(make_customer, db):
    make_customer(contact_email="ada@acme.example")
    body = ingest(sample("html_only.eml")).ticket.messages[0].body
    assert "nightly backup job failed with error 17" in body
    assert "alert" not in body and "<" not in body and "color: red" not in body


def test_attachments_are_kept_and_refused_types_are_named(make_customer, db):
    make_customer(contact_email="ada@acme.example")
    ticket = ingest(sample("with_attachment.eml")).ticket
    db.session.commit()
    files = db.session.scalars(select(TicketAttachment)).all()
    assert [(f.filename, f.content_type) for f in files] == [("error.pdf", "application/pdf")]
    assert "Not accepted: virus.exe" in ticket.messages[0].body


def test_a_reply_is_threaded_by_the_number_in_the_subject_and_its_quote_trimmed(
    make_customer, users, db
):
    from cloudmanager.tickets.services import add_reply, change_status

    make_customer(contact_email="ada@acme.example")
    ticket = ingest(sample("plain.eml")).ticket
    add_reply(ticket, author=users["agent"], body="We restarted the hypervisor.")
    change_status(ticket, "resolved", by=users["agent"])
    db.session.commit()
    result = ingest(sample("reply_quoted.eml", TICKET_NUMBER=ticket.number))
    db.session.commit()
    assert result.action == "replied" and result.ticket.id == ticket.id
    last = db.session.get(Ticket, ticket.id).messages[-1]
    assert last.body == "It works again, thank you!"
    assert db.session.get(Ticket, ticket.id).status == "open"  # the reply reopened it


def test_a_reply_is_threaded_by_references_to_a_message_we_received(make_customer, db):
    make_customer(contact_email="ada@acme.example")
    ticket = ingest(sample("plain.eml")).ticket
    raw = sample(
        "reply_quoted.eml",
        **{
            "[TICKET_NUMBER] ": "",
            "<unknown-outbound@cloudmanager.example>": "<plain-1@acme.example>",
        },
    )
    assert ingest(raw).ticket.id == ticket.id


def test_a_stranger_cannot_post_into_someone_elses_ticket_by_its_number(make_customer, db):
    make_customer(contact_email="ada@acme.example")
    ticket = ingest(sample("plain.eml")).ticket
    raw = sample("reply_quoted.eml", TICKET_NUMBER=ticket.number).replace(
        b"ada@acme.example", b"mallory@evil.example"
    )
    result = ingest(raw)
    assert result.action == "created" and result.ticket.id != ticket.id
    assert result.ticket.customer_id is None


def test_auto_replies_are_ignored(make_customer, db):
    make_customer(contact_email="ada@acme.example")
    ticket = ingest(sample("plain.eml")).ticket
    result = ingest(sample("auto_reply.eml", TICKET_NUMBER=ticket.number))
    assert result.action == "ignored" and "auto" in result.reason
    assert count(db, TicketMessage) == 1


def test_mail_from_our_own_address_is_ignored_as_a_loop(app, db):
    raw = sample("plain.eml").replace(b"Ada Lovelace <ada@acme.example>", b"billing@example.com")
    assert ingest(raw).action == "ignored"


def test_the_same_message_delivered_twice_is_filed_once(make_customer, db):
    make_customer(contact_email="ada@acme.example")
    ingest(sample("plain.eml"))
    db.session.commit()
    assert ingest(sample("plain.eml")).action == "ignored"
    assert count(db, Ticket) == 1


def test_an_unknown_sender_opens_a_ticket_without_customer_that_staff_can_link(
    make_customer, client, login_as, db
):
    customer = make_customer(contact_email="someone@else.example")
    ticket = ingest(sample("plain.eml")).ticket
    db.session.commit()
    assert ticket.customer_id is None and ticket.requester_email == "ada@acme.example"
    login_as("agent")
    client.post(f"/tickets/{ticket.id}/customer", data={"customer_number": customer.number})
    assert db.session.get(Ticket, ticket.id).customer_id == customer.id


def test_the_cli_reads_one_message_on_standard_input(runner, make_customer, db):
    make_customer(contact_email="ada@acme.example")
    result = runner.invoke(args=["tickets", "ingest-mail"], input=sample("plain.eml"))
    assert result.exit_code == 0 and result.output.startswith("created T-")


def test_the_http_endpoint_needs_the_token(app, client, make_customer, db):
    make_customer(contact_email="ada@acme.example")
    app.config["INBOUND_MAIL_TOKEN"] = "s3cret-token"
    assert client.post("/tickets/inbound-mail", data=sample("plain.eml")).status_code == 401
    response = client.post(
        "/tickets/inbound-mail",
        data=sample("plain.eml"),
        headers={"Authorization": "Bearer s3cret-token", "Content-Type": "message/rfc822"},
    )
    assert response.status_code == 200 and response.json["action"] == "created"


def test_a_reply_to_our_email_is_threaded_by_its_in_reply_to_header(make_customer, users, db):
    from cloudmanager.notifications.models import Notification
    from cloudmanager.tickets.services import add_reply

    make_customer(contact_email="ada@acme.example")
    ticket = ingest(sample("plain.eml")).ticket
    add_reply(ticket, author=users["agent"], body="Fixed?")
    db.session.commit()
    ours = db.session.scalar(
        select(Notification.headers).where(Notification.template == "notification:ticket_reply")
    )
    assert ours["Message-ID"].startswith(f"<cm.t{ticket.id}.")
    raw = sample(
        "reply_quoted.eml",
        **{"[TICKET_NUMBER] ": "", "<unknown-outbound@cloudmanager.example>": ours["Message-ID"]},
    )
    result = ingest(raw)
    assert result.action == "replied" and result.ticket.id == ticket.id
