"""schemathesis against /api/openapi.json, in-process (WSGI), with all of its checks.

Every phase runs (examples, coverage, fuzzing and stateful sequences that
follow the links the registry generates), with every built-in check plus one
of ours: every error is a problem document. The run must find nothing: no
server error, no response that breaks the document.

Two tokens of two roles sign the requests, and they are schemathesis's
`peers`, so its authorization check (`object_level_authorization`) replays
each object one token reads with the other token. Staff roles all read every
customer, order and ticket (there is no per-user ownership among staff), so
two tokens holding every read scope would only teach it that everything is
shared, and its fallback for that (finding the object in the other token's
first list page) breaks as soon as a list has more than a page. The tokens
split the areas instead: the agent's holds orders and tickets, the admin's
customers, catalog and invoices (and `orders:write` for the decisions an
agent may not take). Each operation is called with the least privileged
token that may call it, and whatever one token reads, the other must be
refused. Refusals per scope and role are tested operation by operation in
test_authorization.py.

`CM_SCHEMATHESIS_EXAMPLES`, `CM_SCHEMATHESIS_STEPS` and `CM_SCHEMATHESIS_SEED`
make a longer or different local run (CI keeps the defaults: about a minute).
"""

import json
import os
from datetime import date
from decimal import Decimal

import pytest
import schemathesis
from schemathesis.engine import events, from_schema
from schemathesis.transport.wsgi import WSGI_TRANSPORT

from cloudmanager import create_app
from cloudmanager.extensions import db as _db
from tests.fixtures.users import PASSWORD

MAX_EXAMPLES = int(os.environ.get("CM_SCHEMATHESIS_EXAMPLES", "12"))
MAX_STEPS = int(os.environ.get("CM_SCHEMATHESIS_STEPS", "12"))
SEED = int(os.environ.get("CM_SCHEMATHESIS_SEED", "20261126"))

# role → the scopes of its token, least privileged first; no read scope in common (see above)
IDENTITIES = {
    "agent": ["orders:read", "orders:write", "tickets:read", "tickets:write"],
    "admin": [
        "customers:read",
        "customers:write",
        "catalog:read",
        "catalog:write",
        "invoices:read",
        "invoices:write",
        "orders:write",
    ],
}


@schemathesis.check
def errors_are_problem_documents(ctx, response, case):
    """Every 4xx/5xx of the API is `application/problem+json` with the same status."""
    if response.status_code < 400:
        return None
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type.startswith("application/problem+json"), content_type
    assert response.json()["status"] == response.status_code
    return None


@pytest.fixture
def fuzz_app(config_class, _schema):
    """The app without the per-token rate limit (thousands of calls in a minute)."""
    from cloudmanager.settings.services import invalidate_cache
    from tests.conftest import _empty_tables

    class FuzzConfig(config_class):
        API_RATE_LIMIT = "1000000 per minute"

    app = create_app(FuzzConfig)
    with app.app_context():
        invalidate_cache()
        yield app
        _db.session.rollback()
        _empty_tables()
        invalidate_cache()
        _db.session.remove()
        _db.engine.dispose()


def _seed(db) -> dict[str, str]:
    """A tax rate, products to order and a token per identity; returns {name: secret}."""
    from cloudmanager.api.scopes import scopes_for_role
    from cloudmanager.api.tokens import create_token
    from cloudmanager.auth.services import create_user
    from cloudmanager.products.models import TaxRate
    from cloudmanager.products.services import create_product

    rate = TaxRate(name="VAT", country="DE", percent=Decimal("19.00"), valid_from=date(2020, 1, 1))
    rate.is_default = True
    db.session.add(rate)
    base = {"currency": "EUR", "setup_fee": "0", "stock": None, "active": True}
    base["visible_in_portal"] = True
    create_product(
        {**base, "sku": "S", "name": "Server", "kind": "recurring", "prices": {"monthly": "9.00"}}
    )
    create_product({**base, "sku": "M", "name": "Setup", "kind": "one_off", "one_off_price": "5"})
    secrets = {}
    for role, scopes in IDENTITIES.items():
        assert set(scopes) <= set(scopes_for_role(role)), role
        user = create_user(
            email=f"{role}@fuzz.example.com", name=role, role=role, password=PASSWORD
        )
        _, secrets[role] = create_token(user, name="schemathesis", scopes=scopes, expires_at=None)
    db.session.commit()
    return secrets


def _wsgi(app):
    """Each call in its own app context (its own session), as in production."""

    def application(environ, start_response):
        with app.app_context():
            return app.wsgi_app(environ, start_response)

    return application


@pytest.fixture
def wsgi_probes(monkeypatch):
    """schemathesis 4.32 sends its auth probes (ignored_auth) over WSGI without a session but
    with the network-only options (`max_redirects`…) that werkzeug's client does not take."""
    send = WSGI_TRANSPORT.send

    def patched(case, *, session=None, **kwargs):
        if session is None:
            for name in ("max_redirects", "verify", "cert", "proxies"):
                kwargs.pop(name, None)
        return send(case, session=session, **kwargs)

    monkeypatch.setattr(WSGI_TRANSPORT, "send", patched)


def _config(tmp_path, secrets):
    auth = {
        "auth": [
            {"name": name, "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {secret}"}]}
            for name, secret in secrets.items()
        ]
    }
    wfc = tmp_path / "identities.json"
    wfc.write_text(json.dumps(auth))
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "cache": {"enabled": False},
            "auth": {"wfc": {"path": str(wfc), "peers": list(secrets)}},
            "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
            "phases": {"stateful": {"max-steps": MAX_STEPS}},
            "checks": {
                # Schema-valid input is accepted unless a rule JSON Schema cannot say
                # refuses it: an id that does not exist (404), a state that does not allow
                # it (409), a business rule (an email in use, a phone number that does not
                # exist, a signed cursor: 422 with per-field errors), or a permission the
                # body needs beyond the operation's (a price override needs
                # orders.override_price: 403). 401 only answers the requests schemathesis
                # sends without credentials on purpose: every token it holds is valid. A
                # redirect, the rate limit (lifted here) or a server error is a failure.
                "positive_data_acceptance": {
                    "expected-statuses": ["2xx", "401", "403", "404", "409", "422"]
                },
            },
        }
    )


@pytest.fixture
def unique_idempotency_keys():
    """Generated keys repeat ("0", "A"…), and a repeated key rightly replays the first answer
    or refuses another body (test_idempotency.py); unrelated requests get keys of their own
    so that creates succeed and the stateful checks compare what each request did."""
    from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER

    counter = iter(range(10**9))

    def before_call(context, case, kwargs):
        key = case.headers.get("Idempotency-Key") if case.headers else None
        if key and len(key) <= 200:
            case.headers["Idempotency-Key"] = f"{key}-{next(counter)}"

    GLOBAL_HOOK_DISPATCHER.register_hook_with_name(before_call, "before_call")
    yield
    GLOBAL_HOOK_DISPATCHER.unregister(before_call)


def _assign_identities(schema, secrets) -> None:
    """Start each operation on the least privileged token allowed to call it."""
    from schemathesis.wfc.escalation import restore_identity_assignments

    from cloudmanager.api.openapi import openapi_path
    from cloudmanager.api.registry import OPERATIONS
    from cloudmanager.api.tokens import effective_scopes, find_token
    from cloudmanager.core.permissions import can

    tokens = {name: find_token(secret) for name, secret in secrets.items()}

    def allowed(token, op) -> bool:
        return (not op.scope or op.scope in effective_scopes(token)) and (
            not op.permission or can(token.user, op.permission)
        )

    assignments = {}
    for op in OPERATIONS:
        label = f"{op.method} /api/v1{openapi_path(op.rule)[0]}"
        assignments[label] = next(name for name, token in tokens.items() if allowed(token, op))
    restore_identity_assignments(schema, assignments)


def _cross_token_requests(recorder) -> set[tuple[str, str, int]]:
    """(owner, peer, status) of the requests a check replayed with the other token."""
    replays = set()
    for node in recorder.cases.values():
        parent = recorder.cases.get(node.parent_id) if node.transition is None else None
        owner, peer = parent and parent.value.auth_identity, node.value.auth_identity
        interaction = recorder.interactions.get(node.value.id)
        if owner and peer and owner != peer and interaction and interaction.response:
            replays.add((owner, peer, interaction.response.status_code))
    return replays


def _run(schema) -> tuple[list[str], set[tuple[str, str, int]]]:
    """The failures of the run, and the (owner, peer, status) of its cross-token replays."""
    found, replays = [], set()
    for event in from_schema(schema).execute():
        if isinstance(event, (events.NonFatalError, events.FatalError)):
            found.append(f"error: {getattr(event, 'label', '')} {getattr(event, 'value', event)}")
        if isinstance(event, events.ScenarioFinished):
            replays |= _cross_token_requests(event.recorder)
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    if check.failure_info is None:
                        continue
                    interaction = event.recorder.interactions.get(case_id)
                    request = interaction.request if interaction else None
                    response = interaction.response if interaction else None
                    found.append(
                        f"{check.name}: {check.failure_info.failure.title} — "
                        f"{request.method if request else ''} {request.uri if request else ''} "
                        f"{(request.body or b'')[:300] if request else ''!r} → "
                        f"{response.status_code if response else ''}"
                    )
    return found, replays


def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    fuzz_app, wsgi_probes, unique_idempotency_keys, tmp_path
):
    secrets = _seed(_db)
    schema = schemathesis.openapi.from_wsgi(
        "/api/openapi.json", _wsgi(fuzz_app), config=_config(tmp_path, secrets)
    )
    _assign_identities(schema, secrets)
    failures, replays = _run(schema)
    assert failures == [], "\n".join(sorted(set(failures)))
    # The authorization check ran both ways, and the other token was refused every time.
    assert {(owner, peer) for owner, peer, _ in replays} == {("agent", "admin"), ("admin", "agent")}
    assert {status for _, _, status in replays} == {403}, sorted(replays)
