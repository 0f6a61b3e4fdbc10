"""The OpenAPI 3.1 document, generated from the operation registry and pydantic schemas."""

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from cloudmanager.api.registry import OPERATIONS, Operation
from cloudmanager.api.schemas import Problem

REF = "#/components/schemas/{model}"
ERROR_TEXT = {
    400: "Malformed request",
    401: "Missing or invalid token",
    403: "The token lacks the scope",
    404: "Not found",
    409: "Conflict with the current state",
    422: "Invalid input (per-field errors)",
    429: "Rate limit exceeded",
}


def _path(rule: str) -> tuple[str, list[dict]]:
    """`/customers/<int:customer_id>` → `/customers/{customer_id}` and its parameters."""
    params = []
    for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", rule):
        kind = "integer" if converter == "int" else "string"
        params.append({"name": name, "in": "path", "required": True, "schema": {"type": kind}})
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


def _operation(op: Operation, refs: dict) -> dict:
    def _ref(model: Any) -> dict:
        return refs[(model, "validation")]

    _, path_params = _path(op.rule)
    doc: dict[str, Any] = {
        "operationId": op.endpoint,
        "summary": op.summary,
        "description": op.description,
        "tags": [op.tag],
        "security": [{"bearerAuth": [op.scope]}],
        "parameters": path_params + (_query_parameters(op.query) if op.query else []),
        "x-scope": op.scope,
    }
    if op.body is not None:
        doc["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(op.body)}},
        }
    if op.method == "POST":
        doc["parameters"].append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "maxLength": 255},
                "description": "Retrying a POST with the same key returns the first result.",
            }
        )
    if op.produces:
        content = {op.produces: {"schema": {"type": "string", "format": "binary"}}}
    elif op.response is not None:
        content = {"application/json": {"schema": _ref(op.response)}}
    else:
        content = {}
    doc["responses"] = {str(op.status): {"description": "Success", "content": content}}
    codes = (
        [401, 403, 429]
        + ([404] if path_params else [])
        + ([400, 422] if op.body or op.query else [])
    )
    for code in sorted(set(codes)):
        doc["responses"][str(code)] = {
            "description": ERROR_TEXT[code],
            "content": {"application/problem+json": {"schema": _ref(Problem)}},
        }
    return doc


def openapi_document() -> dict:
    """The whole document for /api/openapi.json."""
    models: set[type[BaseModel]] = {Problem}
    for op in OPERATIONS:
        for model in (op.body, op.response):
            if model is not None:
                models.add(model)
    refs, top = models_json_schema(
        [(model, "validation") for model in sorted(models, key=lambda m: m.__name__)],
        ref_template=REF,
    )
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        path, _ = _path(op.rule)
        paths.setdefault("/api/v1" + path, {})[op.method.lower()] = _operation(op, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "CloudManager API",
            "version": "1.0.0",
            "description": "Customers, catalog, orders, invoices and tickets. Authenticate with "
            "`Authorization: Bearer <token>` (tokens are made under Account → API tokens). "
            "Errors are `application/problem+json` (RFC 9457).",
        },
        "paths": paths,
        "components": {
            "schemas": top.get("$defs", {}),
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }
