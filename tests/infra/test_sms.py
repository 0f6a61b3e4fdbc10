"""The SMS adapter: E.164 validation, logging without Twilio, Twilio with settings."""

import logging

import pytest

from cloudmanager.core.errors import ValidationFailed
from cloudmanager.infra import sms


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+49 151 23456789", None, "+4915123456789"),
        ("0049 (151) 234-56789", None, "+4915123456789"),
        ("0151 23456789", "de", "+4915123456789"),
        ("(202) 555-0143", "US", "+12025550143"),
    ],
)
def test_normalize_phone_returns_e164(raw, region, expected):
    assert sms.normalize_phone(raw, default_region=region) == expected


@pytest.mark.parametrize(
    ("raw", "region"),
    [("", None), ("0151 23456789", None), ("not a number", "DE"), ("+49 1", None)],
)
def test_normalize_phone_refuses_bad_numbers_on_the_phone_field(raw, region):
    with pytest.raises(ValidationFailed) as error:
        sms.normalize_phone(raw, default_region=region)
    assert set(error.value.errors) == {"phone"}


def test_send_sms_without_twilio_settings_logs_the_message(app, caplog):
    with caplog.at_level(logging.INFO, logger="cloudmanager.infra.sms"):
        assert sms.send_sms("+49 151 23456789", "Your ticket #12 was answered.") is None
    assert "+4915123456789" in caplog.text
    assert "Your ticket #12 was answered." in caplog.text


def test_send_sms_with_twilio_settings_uses_the_twilio_client(app, monkeypatch):
    sent = []

    class FakeMessages:
        def create(self, **kwargs):
            sent.append(kwargs)
            return type("Message", (), {"sid": "SM123"})()

    class FakeClient:
        messages = FakeMessages()

    app.config.update(
        TWILIO_ACCOUNT_SID="AC1", TWILIO_AUTH_TOKEN="secret", TWILIO_FROM_NUMBER="+15005550006"
    )
    monkeypatch.setattr(sms, "_twilio_client", lambda: FakeClient())
    assert sms.send_sms("0049 151 23456789", "Hello") == "SM123"
    assert sent == [{"to": "+4915123456789", "from_": "+15005550006", "body": "Hello"}]


def test_send_sms_refuses_an_empty_body(app):
    with pytest.raises(ValidationFailed) as error:
        sms.send_sms("+4915123456789", "  ")
    assert "body" in error.value.errors


def test_sms_job_enqueued_in_a_transaction_runs_after_commit(app, db, caplog):
    from cloudmanager.infra.queue import enqueue

    app.config["REDIS_URL"] = ""  # inline jobs
    with caplog.at_level(logging.INFO, logger="cloudmanager.infra.sms"):
        enqueue("cloudmanager.infra.sms.send_sms_job", "+4915123456789", "Invoice 42 is due")
        assert "Invoice 42 is due" not in caplog.text
        db.session.commit()
    assert "Invoice 42 is due" in caplog.text
