"""The mail adapter: real SMTP delivery, the log fallback and the staff templates."""

import logging

import pytest

from cloudmanager.infra.mail import Attachment, render_email, send_email


@pytest.fixture
def pdf_bytes():
    """A small real PDF to attach."""
    from cloudmanager.infra.pdf import render_pdf

    return render_pdf("<p>Invoice 2026-0001</p>")


def test_mail_with_pdf_attachment_arrives_at_a_real_smtp_server(app, smtp_server, pdf_bytes):
    send_email(
        ["new.colleague@example.com", "second@example.com"],
        "You are invited to CloudManager",
        "invite",
        attachments=[Attachment("invoice-2026-0001.pdf", "application/pdf", pdf_bytes)],
        name="Nora New",
        inviter="Ada Admin",
        link="https://cm.example.com/invite/tok123",
    )

    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    # Flask-Mail de-duplicates recipients through a set: their order is not kept.
    assert sorted(received.rcpt_tos) == ["new.colleague@example.com", "second@example.com"]
    assert received.mail_from == "billing@example.com"
    message = received.message
    assert message["Subject"] == "You are invited to CloudManager"
    assert {address.addr_spec for address in message["To"].addresses} == {
        "new.colleague@example.com",
        "second@example.com",
    }
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Hello Nora New," in text
    assert "https://cm.example.com/invite/tok123" in text
    assert "<strong>Ada Admin</strong>" in html
    assert 'href="https://cm.example.com/invite/tok123"' in html
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "invoice-2026-0001.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == pdf_bytes


def test_mail_without_mail_server_is_written_to_the_log(app, caplog):
    app.config["MAIL_SERVER"] = ""
    with caplog.at_level(logging.INFO, logger="cloudmanager.infra.mail"):
        send_email(
            "someone@example.com",
            "Reset your password",
            "password_reset",
            name="Sam",
            link="https://cm.example.com/reset/abc",
            minutes_valid=30,
        )
    assert "someone@example.com" in caplog.text
    assert "https://cm.example.com/reset/abc" in caplog.text


def test_html_email_escapes_user_supplied_names(app):
    _, html = render_email(
        "invite", name="<script>x</script>", inviter="Eve & Co", link="https://x.example/i"
    )
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;" in html
    assert "Eve &amp; Co" in html


def test_password_reset_email_states_how_long_the_link_works(app):
    text, html = render_email(
        "password_reset", name="Sam", link="https://cm.example.com/reset/abc", minutes_valid=30
    )
    assert "30 minutes" in text and "30 minutes" in html
    assert "https://cm.example.com/reset/abc" in text
    assert "CloudManager Demo GmbH" in text  # the layout's signature, from the settings


def test_mail_enqueued_in_a_transaction_is_sent_only_after_commit(app, db, smtp_server):
    from cloudmanager.infra.queue import enqueue

    app.config["REDIS_URL"] = ""  # inline jobs
    enqueue(
        "cloudmanager.infra.mail.send_email_job",
        "sam@example.com",
        "Reset your CloudManager password",
        "password_reset",
        name="Sam",
        link="https://cm.example.com/reset/abc",
        minutes_valid=60,
    )
    assert smtp_server.messages == []

    db.session.commit()

    (received,) = smtp_server.messages
    assert received.message["Subject"] == "Reset your CloudManager password"
    assert "60 minutes" in received.message.get_body(preferencelist=("plain",)).get_content()
