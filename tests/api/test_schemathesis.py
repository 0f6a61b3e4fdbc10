"""schemathesis against /api/openapi.json, in-process (WSGI), with all of its checks.

Every phase runs (examples, coverage, fuzzing and stateful sequences that
follow the links the registry generates), with every built-in check plus one
of ours: every error is a problem document. Two tokens of two roles sign the
requests: each operation is called with the agent's token when the agent's
role may call it, else with the admin's (schemathesis would move on to the
admin's token by itself after a 403, but only once it has spent the
operation's pre-generated cases on refusals). Refusals per scope and role
are tested operation by operation in test_authorization.py. The run must
find nothing: no server error, no response that breaks the document.

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
    for role in ("agent", "admin"):
        user = create_user(
            email=f"{role}@fuzz.example.com", name=role, role=role, password=PASSWORD
        )
        _, secrets[role] = create_token(
            user, name="schemathesis", scopes=scopes_for_role(role), expires_at=None
        )
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
            "auth": {"wfc": {"path": str(wfc)}},
            "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
            "phases": {"stateful": {"max-steps": MAX_STEPS}},
            "checks": {
                # Schema-valid input may still break a rule JSON Schema cannot say (an
                # email in use, a phone number that does not exist, a signed cursor): a
                # 422 with per-field errors is the documented answer then.
                "positive_data_acceptance": {
                    "expected-statuses": [
                        "2xx",
                        "3xx",
                        "401",
                        "403",
                        "404",
                        "409",
                        "422",
                        "429",
                        "5xx",
                    ]
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

    agent = find_token(secrets["agent"])
    scopes = effective_scopes(agent)

    def allowed(op) -> bool:
        return (not op.scope or op.scope in scopes) and (
            not op.permission or can(agent.user, op.permission)
        )

    restore_identity_assignments(
        schema,
        {
            f"{op.method} /api/v1{openapi_path(op.rule)[0]}": "agent" if allowed(op) else "admin"
            for op in OPERATIONS
        },
    )


def _failures(schema) -> list[str]:
    found = []
    for event in from_schema(schema).execute():
        if isinstance(event, (events.NonFatalError, events.FatalError)):
            found.append(f"error: {getattr(event, 'label', '')} {getattr(event, 'value', event)}")
        if isinstance(event, events.ScenarioFinished):
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    if check.failure_info is None:
                        continue
                    interaction = event.recorder.interactions.get(case_id)
                    request = interaction.request if interaction else None
                    found.append(
                        f"{check.name}: {check.failure_info.failure.title} — "
                        f"{request.method if request else ''} {request.uri if request else ''} "
                        f"{(request.body or b'')[:300] if request else ''!r}"
                    )
    return found


def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    fuzz_app, wsgi_probes, unique_idempotency_keys, tmp_path
):
    secrets = _seed(_db)
    schema = schemathesis.openapi.from_wsgi(
        "/api/openapi.json", _wsgi(fuzz_app), config=_config(tmp_path, secrets)
    )
    _assign_identities(schema, secrets)
    failures = _failures(schema)
    assert failures == [], "\n".join(sorted(set(failures)))
