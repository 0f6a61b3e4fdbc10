"""API operations: one decorator registers the route, its scope, permission and schemas.

The same registry drives request parsing (pydantic), scope and permission
checks, idempotent POSTs, the OpenAPI document and its links, so the document
cannot drift from the code.

A call needs the operation's scope on the token, and the token's owner must
hold the operation's permission (by default the one behind the scope): a
token never does more than its owner could do in the back office.
"""

from dataclasses import dataclass
from typing import Any, Callable

from flask import g, jsonify, request
from pydantic import BaseModel, ValidationError
from werkzeug.wrappers import Response as BaseResponse

from cloudmanager.api import v1
from cloudmanager.api.idempotency import HEADER, key_problem, run_once
from cloudmanager.api.schemas import MAX_ID
from cloudmanager.api.scopes import SCOPE_PERMISSIONS
from cloudmanager.core.errors import problem
from cloudmanager.core.permissions import can
from cloudmanager.extensions import db


@dataclass
class Operation:
    """What the OpenAPI document says about one route."""

    rule: str
    method: str
    endpoint: str
    scope: str
    permission: str | None
    tag: str
    summary: str
    description: str = ""
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: Any = None
    status: int = 200
    produces: str | None = None
    accepted: Any = None  # schema of a 202 answer (work still in progress)
    errors: tuple[int, ...] = ()  # error statuses beyond the ones the method implies


OPERATIONS: list[Operation] = []


def api_user() -> Any:
    """The owner of the token making the call (services take it as `by`)."""
    return g.api_user


def field_errors(error: ValidationError) -> list[dict[str, str]]:
    """pydantic errors as [{field, message}] for a problem document."""
    return [
        {"field": ".".join(str(part) for part in item["loc"]) or "body", "message": item["msg"]}
        for item in error.errors()
    ]


def created(result: BaseModel, location: str) -> BaseResponse:
    """A 201 answer with the new resource and where it lives."""
    response = jsonify(result.model_dump(mode="json"))
    response.status_code = 201
    response.headers["Location"] = location
    return response


def _serialize(result: Any, op: Operation) -> BaseResponse:
    if isinstance(result, BaseResponse):
        return result
    if isinstance(result, BaseModel):
        result = result.model_dump(mode="json")
    response = jsonify(result)
    response.status_code = op.status
    return response


def _refusal(op: Operation) -> BaseResponse | None:
    """403 unless the token has the scope and its owner the permission."""
    if op.scope and op.scope not in g.api_scopes:
        return problem(403, "Forbidden", f"This token lacks the scope {op.scope}.")
    if op.permission and not can(g.api_user, op.permission):
        return problem(403, "Forbidden", f"The token's owner lacks the permission {op.permission}.")
    return None


def _parse_input(op: Operation, kwargs: dict[str, Any]) -> BaseResponse | None:
    """Put `query` and `body` into kwargs, or answer the problem with the input."""
    if any(isinstance(value, int) and value > MAX_ID for value in kwargs.values()):
        return problem(404, "Not Found", "There is no such object.")
    try:
        if op.query is not None:
            kwargs["query"] = op.query.model_validate(request.args.to_dict())
        if op.body is not None:
            payload = request.get_json(silent=True)
            if not isinstance(payload, dict):
                return problem(400, "Bad Request", "The body must be a JSON object.")
            kwargs["body"] = op.body.model_validate_json(request.get_data())
    except ValidationError as error:
        return problem(422, "Unprocessable Content", "Invalid input.", errors=field_errors(error))
    if op.method == "POST":
        return key_problem()
    return None


def _run(op: Operation, func: Callable, kwargs: dict[str, Any]) -> BaseResponse:
    response = _serialize(func(**kwargs), op)
    if op.method != "GET":
        # One commit per request, at the edge; operations never commit.
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
    return response


def operation(
    rule: str,
    method: str = "GET",
    *,
    scope: str,
    tag: str,
    summary: str,
    permission: str | None = None,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: Any = None,
    status: int = 200,
    produces: str | None = None,
    accepted: Any = None,
    errors: tuple[int, ...] = (),
) -> Callable:
    """Register an API route (`/api/v1` + rule) needing `scope` (and `permission`)."""

    def decorator(func: Callable) -> Callable:
        op = Operation(
            rule=rule,
            method=method,
            endpoint=func.__name__,
            scope=scope,
            permission=permission or SCOPE_PERMISSIONS.get(scope),
            tag=tag,
            summary=summary,
            description=(func.__doc__ or "").strip(),
            body=body,
            query=query,
            response=response,
            status=status,
            produces=produces,
            accepted=accepted,
            errors=errors,
        )
        OPERATIONS.append(op)

        def view(**kwargs: Any) -> BaseResponse:
            refused = _refusal(op) or _parse_input(op, kwargs)
            if refused is not None:
                return refused
            if method == "POST" and HEADER in request.headers:
                return run_once(lambda: _serialize(func(**kwargs), op))
            return _run(op, func, kwargs)

        view.__name__ = func.__name__
        view.__doc__ = func.__doc__
        # No automatic OPTIONS: every answer on /api/v1 goes through the token's checks.
        v1.add_url_rule(
            rule, func.__name__, view, methods=[method], provide_automatic_options=False
        )
        return func

    return decorator
