"""Idempotent POSTs: the first answer to an `Idempotency-Key` is stored and replayed."""

import hashlib
import json
from typing import Callable

from flask import g, jsonify, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response as BaseResponse

from cloudmanager.api.models import IdempotentRequest
from cloudmanager.core.errors import problem
from cloudmanager.extensions import db

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def key_problem() -> BaseResponse | None:
    """A 400 when the header is present but empty or too long."""
    key = request.headers.get(HEADER)
    if key is None or 1 <= len(key) <= MAX_KEY_LENGTH:
        return None
    return problem(
        400,
        "Bad Request",
        "Invalid Idempotency-Key.",
        errors=[{"field": HEADER, "message": f"Use 1 to {MAX_KEY_LENGTH} characters."}],
    )


def _fingerprint() -> str:
    raw = request.method + request.path + json.dumps(request.get_json(silent=True), sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()


def _replay(record: IdempotentRequest) -> BaseResponse:
    response = jsonify(record.body)
    response.status_code = record.status_code
    response.headers["Idempotent-Replayed"] = "true"
    if record.location:
        response.headers["Location"] = record.location
    return response


def run_once(run: Callable[[], BaseResponse]) -> BaseResponse:
    """Run a POST once per (token, Idempotency-Key); a retry gets the first answer back."""
    key = request.headers[HEADER]
    token_id = g.api_token.id
    lookup = select(IdempotentRequest).where(
        IdempotentRequest.token_id == token_id, IdempotentRequest.key == key
    )
    existing = db.session.scalar(lookup)
    if existing is not None:
        if existing.fingerprint != _fingerprint():
            return problem(
                422, "Unprocessable Content", "This Idempotency-Key was used for another request."
            )
        return _replay(existing)
    response = run()
    if response.status_code >= 400:
        db.session.rollback()
        return response
    db.session.add(
        IdempotentRequest(
            token_id=token_id,
            key=key,
            fingerprint=_fingerprint(),
            status_code=response.status_code,
            body=response.get_json(),
            location=response.headers.get("Location"),
        )
    )
    try:
        db.session.commit()  # the work and its answer, atomically
    except IntegrityError:
        # A concurrent retry won the race: drop our work and answer with its result.
        db.session.rollback()
        return _replay(db.session.scalar(lookup))
    return response
