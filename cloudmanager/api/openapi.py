"""The OpenAPI 3.1 document, generated from the operation registry and pydantic schemas."""

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from cloudmanager.api.links import links_for
from cloudmanager.api.registry import OPERATIONS, Operation
from cloudmanager.api.schemas import MAX_ID, Problem

REF = "#/components/schemas/{model}"
ERROR_TEXT = {
    400: "Malformed request, or refused by a business rule",
    401: "Missing or invalid token",
    403: "The token lacks the scope, or its owner the permission",
    404: "Not found",
    409: "Conflict with the current state",
    422: "Invalid input (per-field errors)",
    429: "Rate limit exceeded",
}
HEADERS = {
    "Location": {"description": "URL of the resource", "schema": {"type": "string"}},
    "Retry-After": {
        "description": "Seconds to wait before asking again",
        "schema": {"type": "string"},
    },
}


def openapi_path(rule: str) -> tuple[str, list[dict]]:
    """`/customers/<int:customer_id>` → `/customers/{customer_id}` and its parameters."""
    params = []
    for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", rule):
        schema: dict[str, Any] = {"type": "string"}
        if converter == "int":
            schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule), params


def _query_parameters(model: type[BaseModel]) -> list[dict]:
    schema = model.model_json_schema(ref_template=REF)
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": {k: v for k, v in prop.items() if k != "description"},
            "description": prop.get("description", ""),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def _error_codes(op: Operation, has_path: bool) -> list[int]:
    codes = [401, 403, 429, *op.errors]
    if has_path or op.method != "GET":
        codes.append(404)
    if op.body or op.query or op.method == "POST":
        codes += [400, 422]
    if op.method != "GET":
        codes += [400, 409, 422]
    return sorted(set(codes))


def _success(op: Operation, ref) -> dict[str, Any]:
    if op.produces:
        content = {op.produces: {"schema": {"type": "string", "format": "binary"}}}
    elif op.response is not None:
        content = {"application/json": {"schema": ref(op.response)}}
    else:
        content = {}
    answer: dict[str, Any] = {"description": "Success", "content": content}
    if op.status == 201:
        answer["headers"] = {"Location": HEADERS["Location"]}
    responses = {str(op.status): answer}
    if op.accepted is not None:
        responses["202"] = {
            "description": "Accepted: still being prepared, ask again later",
            "headers": HEADERS,
            "content": {"application/json": {"schema": ref(op.accepted)}},
        }
    return responses


def _operation(op: Operation, ref) -> dict:
    _, path_params = openapi_path(op.rule)
    doc: dict[str, Any] = {
        "operationId": op.endpoint,
        "summary": op.summary,
        "description": op.description,
        "tags": [op.tag],
        "security": [{"bearerAuth": [op.scope] if op.scope else []}],
        "parameters": path_params + (_query_parameters(op.query) if op.query else []),
        "x-scope": op.scope,
        "x-permission": op.permission,
    }
    if op.body is not None:
        doc["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": ref(op.body)}},
        }
    if op.method == "POST":
        doc["parameters"].append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                "description": "Retrying a POST with the same key returns the first result.",
            }
        )
    doc["responses"] = _success(op, ref)
    links = links_for(op, OPERATIONS)
    if links:
        doc["responses"][str(op.status)]["links"] = links
    for code in _error_codes(op, bool(path_params)):
        doc["responses"][str(code)] = {
            "description": ERROR_TEXT[code],
            "content": {"application/problem+json": {"schema": ref(Problem)}},
        }
    return doc


def openapi_document() -> dict:
    """The whole document for /api/openapi.json."""
    models: set[type[BaseModel]] = {Problem}
    for op in OPERATIONS:
        for model in (op.body, op.response, op.accepted):
            if model is not None:
                models.add(model)
    refs, top = models_json_schema(
        [(model, "validation") for model in sorted(models, key=lambda m: m.__name__)],
        ref_template=REF,
    )
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        path, _ = openapi_path(op.rule)
        operation = _operation(op, lambda model: refs[(model, "validation")])
        paths.setdefault("/api/v1" + path, {})[op.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "CloudManager API",
            "version": "1.0.0",
            "description": "Customers, catalog, orders, services, invoices and tickets. "
            "Authenticate with `Authorization: Bearer <token>` (tokens are made under "
            "Account → API tokens). Lists are in the order of their `sort` parameter (newest "
            "first by default, the catalog by name) and page with `cursor`. Errors are "
            "`application/problem+json` (RFC 9457).",
        },
        "paths": paths,
        "components": {
            "schemas": top.get("$defs", {}),
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }
