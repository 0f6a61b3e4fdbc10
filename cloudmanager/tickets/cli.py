"""`flask tickets ingest-mail` (an MTA pipe), `backfill-measures`, and the inbound-mail endpoint."""

import hmac
import sys

import click
from flask import abort, current_app, jsonify, request

from cloudmanager.core.errors import DomainError
from cloudmanager.extensions import csrf, db
from cloudmanager.tickets import bp
from cloudmanager.tickets.mailin import ingest
from cloudmanager.tickets.measures import backfill_measures

MAX_MESSAGE_BYTES = 30 * 1024 * 1024


@bp.cli.command("ingest-mail")
def ingest_mail() -> None:
    """Read one raw RFC 822 message on standard input and file it as a ticket or reply."""
    raw = sys.stdin.buffer.read(MAX_MESSAGE_BYTES + 1)
    if len(raw) > MAX_MESSAGE_BYTES:
        click.echo("ignored: message too large", err=True)
        return
    try:
        result = ingest(raw)
    except DomainError as error:
        db.session.rollback()
        click.echo(f"refused: {error.message}", err=True)
        raise SystemExit(1)
    db.session.commit()
    number = result.ticket.number if result.ticket else ""
    click.echo(f"{result.action} {number} {result.reason}".strip())


@bp.cli.command("backfill-measures")
def backfill_measures_command() -> None:
    """Store response and resolution measures of tickets answered before they were recorded."""
    count = backfill_measures()
    click.echo(f"{count} tickets measured")


def _token_ok() -> bool:
    expected = current_app.config.get("INBOUND_MAIL_TOKEN") or ""
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


@bp.post("/inbound-mail")
@csrf.exempt
def inbound_mail():
    """The same as the pipe over HTTP: POST the raw message with `Authorization: Bearer …`."""
    if not _token_ok():
        abort(401)
    raw = request.get_data(cache=False)
    if not raw or len(raw) > MAX_MESSAGE_BYTES:
        abort(400)
    try:
        result = ingest(raw)
    except DomainError as error:
        db.session.rollback()
        return jsonify(action="refused", reason=error.message), 422
    db.session.commit()
    return jsonify(
        action=result.action,
        ticket=result.ticket.number if result.ticket else None,
        reason=result.reason,
    )
