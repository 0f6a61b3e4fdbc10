"""Text messages through Twilio behind one small interface.

`send_sms(to, body)` sends through Twilio when `TWILIO_ACCOUNT_SID`,
`TWILIO_AUTH_TOKEN` and `TWILIO_FROM_NUMBER` are set, and writes the message
to the log otherwise, so the embedded default works without an account.
Numbers are stored and sent in E.164 (`+4915112345678`): normalise user
input with `normalize_phone` before saving it. Request code enqueues
`send_sms_job` (after its commit) instead of calling `send_sms`.
"""

import logging

import phonenumbers
from flask import current_app

from cloudmanager.core.errors import ValidationFailed

log = logging.getLogger(__name__)

MAX_BODY_CHARS = 1600  # Twilio's limit for one (concatenated) message


def normalize_phone(number: str, default_region: str | None = None) -> str:
    """`number` in E.164, or ValidationFailed({"phone": …}).

    Without `default_region` (an ISO country code such as "DE") the number
    must be written internationally, starting with "+" or "00".
    """
    raw = (number or "").strip()
    if not raw:
        raise ValidationFailed({"phone": "Enter a phone number."})
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    region = default_region.upper() if default_region else None
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        if exc.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            message = "Start the number with + and the country code, e.g. +49 151 2345678."
        else:
            message = "This is not a phone number."
        raise ValidationFailed({"phone": message}) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationFailed({"phone": "This phone number does not exist; check the digits."})
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def twilio_configured() -> bool:
    """True when every Twilio setting is present."""
    config = current_app.config
    return all(
        config.get(name)
        for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER")
    )


def _twilio_client():
    from twilio.rest import Client

    config = current_app.config
    return Client(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"])


def send_sms(to: str, body: str) -> str | None:
    """Send `body` to `to` now (call from a job); returns Twilio's message id.

    Without Twilio settings the message is logged and None is returned.
    """
    number = normalize_phone(to)
    body = (body or "").strip()
    if not body:
        raise ValidationFailed({"body": "The message is empty."})
    if len(body) > MAX_BODY_CHARS:
        raise ValidationFailed({"body": f"Keep the message under {MAX_BODY_CHARS} characters."})
    if not twilio_configured():
        log.info("sms (no TWILIO_* settings) to=%s\n%s", number, body)
        return None
    message = _twilio_client().messages.create(
        to=number, from_=current_app.config["TWILIO_FROM_NUMBER"], body=body
    )
    log.info("sms sent to=%s sid=%s", number, message.sid)
    return message.sid


def send_sms_job(to: str, body: str) -> str | None:
    """The RQ job behind `enqueue("cloudmanager.infra.sms.send_sms_job", to, body)`."""
    return send_sms(to, body)
