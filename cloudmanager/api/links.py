"""OpenAPI links derived from the registry, so clients (and schemathesis) can chain calls.

Three kinds, all read off the routes and schemas rather than written by hand:

- a create (`POST /things` → 201) leads to every operation on `/things/<id>…`
  with the new object's `id`;
- any operation on `/things/<id>…` leads to the other operations on that
  object (and its parents) with the same path values;
- a create of a top-level `/things`, or any operation on `/things/<thing_id>`,
  feeds `thing_id` in the body or query of the collection operations
  (`POST /customers` → `POST /orders {customer_id}`, accepting an order →
  `GET /services?order_id=`).
"""

import re
from typing import Any

from cloudmanager.api.registry import Operation

PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def path_params(rule: str) -> list[str]:
    """The names of a rule's path parameters, in order."""
    return PARAM.findall(rule)


def _object_prefix(rule: str) -> str | None:
    """`/orders/<int:order_id>/accept` → `/orders/<int:order_id>` (None without a parameter)."""
    match = list(PARAM.finditer(rule))
    return rule[: match[-1].end()] if match else None


def _is_create(op: Operation) -> bool:
    return op.method == "POST" and op.status == 201


def _path_links(source: Operation, target: Operation) -> dict[str, str] | None:
    """Path values for `target` taken from `source`'s request or new object, if all are known."""
    known = {name: f"$request.path.{name}" for name in path_params(source.rule)}
    related = False
    if _is_create(source) and target.rule.startswith(source.rule + "/<"):
        known[path_params(target.rule[len(source.rule) :])[0]] = "$response.body#/id"
        related = True
    prefix = _object_prefix(source.rule)
    if prefix is not None:
        parent = _object_prefix(prefix[: prefix.rfind("/<")])
        related = related or target.rule == prefix or target.rule.startswith(prefix + "/")
        related = related or target.rule == parent
    wanted = path_params(target.rule)
    if not related or not wanted or any(name not in known for name in wanted):
        return None
    return {name: known[name] for name in wanted}


def _resource_name(op: Operation) -> str | None:
    """`POST /customers` (a top-level create) → "customer"."""
    match = re.fullmatch(r"/([a-z-]+)s", op.rule)
    return match.group(1).replace("-", "_") if match and _is_create(op) else None


def _field_links(source: Operation, target: Operation) -> dict[str, Any] | None:
    """`thing_id` in `target`'s body or query, from a new thing or the thing in `source`'s path."""
    if target is source or path_params(target.rule):
        return None
    values = {f"{name}_id": "$response.body#/id"} if (name := _resource_name(source)) else {}
    values.update({name: f"$request.path.{name}" for name in path_params(source.rule)})
    link: dict[str, Any] = {}
    body = {k: v for k, v in values.items() if target.body and k in target.body.model_fields}
    query = {k: v for k, v in values.items() if target.query and k in target.query.model_fields}
    if body:
        link["requestBody"] = body
    if query:
        link["parameters"] = {f"query.{k}": v for k, v in query.items()}
    return link or None


def links_for(source: Operation, operations: list[Operation]) -> dict[str, dict]:
    """The `links` of `source`'s success response."""
    links: dict[str, dict] = {}
    for target in operations:
        if target is source:
            continue
        parameters = _path_links(source, target)
        if parameters is not None:
            links[target.endpoint] = {
                "operationId": target.endpoint,
                "parameters": {f"path.{k}": v for k, v in parameters.items()},
            }
        fields = _field_links(source, target)
        if fields is not None:
            links[target.endpoint] = {"operationId": target.endpoint, **fields}
    return links
