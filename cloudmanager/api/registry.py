"""API operations: one decorator registers the route, its scope and its schemas.

The same registry drives request parsing (pydantic), scope checks, idempotent
POSTs and the OpenAPI document, so the document cannot drift from the code.
"""

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Callable

from flask import Response, g, jsonify, request
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response as BaseResponse

from cloudmanager.api import v1
from cloudmanager.core.errors import problem
from cloudmanager.extensions import db


@dataclass
class Operation:
    """What the OpenAPI document says about one route."""

    rule: str
    method: str
    endpoint: str
    scope: str
    tag: str
    summary: str
    description: str = ""
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: Any = None
    status: int = 200
    produces: str | None = None
    errors: list[int] = field(default_factory=list)


OPERATIONS: list[Operation] = []


def field_errors(error: ValidationError) -> list[dict[str, str]]:
    """pydantic errors as [{field, message}] for a problem document."""
    return [
        {"field": ".".join(str(part) for part in item["loc"]) or "body", "message": item["msg"]}
        for item in error.errors()
    ]


def _parse(model: type[BaseModel] | None, data: Any):
    return None if model is None else model.model_validate(data)


def _serialize(result: Any, op: Operation) -> BaseResponse:
    if isinstance(result, BaseResponse):
        return result
    status = op.status
    if isinstance(result, tuple):
        result, status = result
    if isinstance(result, BaseModel):
        result = result.model_dump(mode="json")
    response = jsonify(result)
    response.status_code = status
    return response


def operation(
    rule: str,
    method: str = "GET",
    *,
    scope: str,
    tag: str,
    summary: str,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: Any = None,
    status: int = 200,
    produces: str | None = None,
) -> Callable:
    """Register an API route (`/api/v1` + rule) needing `scope`."""

    def decorator(func: Callable) -> Callable:
        op = Operation(
            rule=rule,
            method=method,
            endpoint=func.__name__,
            scope=scope,
            tag=tag,
            summary=summary,
            description=(func.__doc__ or "").strip(),
            body=body,
            query=query,
            response=response,
            status=status,
            produces=produces,
        )
        OPERATIONS.append(op)

        def view(**kwargs: Any) -> BaseResponse:
            if scope and scope not in g.api_scopes:
                return problem(403, "Forbidden", f"This token lacks the scope {scope}.")
            try:
                if query is not None:
                    kwargs["query"] = _parse(query, request.args.to_dict())
                if body is not None:
                    payload = request.get_json(silent=True)
                    if not isinstance(payload, dict):
                        return problem(400, "Bad Request", "The body must be a JSON object.")
                    kwargs["body"] = _parse(body, payload)
            except ValidationError as error:
                return problem(
                    422, "Unprocessable Content", "Invalid input.", errors=field_errors(error)
                )
            if method == "POST" and request.headers.get("Idempotency-Key"):
                return _idempotent(op, func, kwargs)
            response = _serialize(func(**kwargs), op)
            if method != "GET":
                # One commit per request, at the edge; operations never commit.
                if response.status_code < 400:
                    db.session.commit()
                else:
                    db.session.rollback()
            return response

        view.__name__ = func.__name__
        view.__doc__ = func.__doc__
        v1.add_url_rule(rule, func.__name__, view, methods=[method])
        return func

    return decorator


def _fingerprint() -> str:
    raw = request.method + request.path + json.dumps(request.get_json(silent=True), sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()


def _replay(record) -> BaseResponse:
    response = jsonify(record.body)
    response.status_code = record.status_code
    response.headers["Idempotent-Replayed"] = "true"
    if record.location:
        response.headers["Location"] = record.location
    return response


def _idempotent(op: Operation, func: Callable, kwargs: dict) -> BaseResponse:
    """Run a POST once per Idempotency-Key; a retry gets the first answer back."""
    from sqlalchemy import select

    from cloudmanager.api.models import IdempotentRequest

    key = request.headers["Idempotency-Key"][:255]
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
    response = _serialize(func(**kwargs), op)
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


def json_response(data: Any, status: int = 200) -> Response:
    """A JSON response (for views that build their own answer)."""
    response = jsonify(data)
    response.status_code = status
    return response
