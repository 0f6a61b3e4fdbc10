"""The session cookie is verified once per value, and never trusted beyond that."""

import time

from flask import session

from cloudmanager.core import sessions


def _signed_cookie(app, data):
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.dumps(data)


def _open(app, cookie):
    name = app.config["SESSION_COOKIE_NAME"]
    with app.test_request_context("/", headers={"Cookie": f"{name}={cookie}"}):
        return dict(session)


def test_a_verified_cookie_opens_the_same_session_again(app):
    cookie = _signed_cookie(app, {"_user_id": "staff:1:abc", "last_seen": 1.5})
    assert _open(app, cookie) == {"_user_id": "staff:1:abc", "last_seen": 1.5}
    assert _open(app, cookie) == {"_user_id": "staff:1:abc", "last_seen": 1.5}
    assert cookie in app.session_interface._verified


def test_a_tampered_cookie_is_refused_after_the_real_one_was_remembered(app):
    cookie = _signed_cookie(app, {"_user_id": "staff:1:abc"})
    _open(app, cookie)
    payload, signature = cookie.rsplit(".", 1)
    assert _open(app, f"{payload}.{signature[::-1]}") == {}
    flipped = "A" if payload[-1] != "A" else "B"
    assert _open(app, f"{payload[:-1]}{flipped}.{signature}") == {}


def test_a_remembered_cookie_expires_with_the_session_lifetime(app, monkeypatch):
    cookie = _signed_cookie(app, {"_user_id": "staff:1:abc"})
    assert _open(app, cookie)
    later = time.time() + app.permanent_session_lifetime.total_seconds() + 5
    monkeypatch.setattr(sessions.time, "time", lambda: later)
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    assert _open(app, cookie) == {}


def test_changes_inside_one_request_do_not_reach_the_next(app):
    cookie = _signed_cookie(app, {"_flashes": [["info", "Saved."]]})
    name = app.config["SESSION_COOKIE_NAME"]
    with app.test_request_context("/", headers={"Cookie": f"{name}={cookie}"}):
        session["_flashes"].append(["info", "Changed in place."])
    assert _open(app, cookie) == {"_flashes": [["info", "Saved."]]}


def test_the_oldest_cookies_are_forgotten_first(app, monkeypatch):
    monkeypatch.setattr(app.session_interface._verified, "limit", 2)
    cookies = [_signed_cookie(app, {"n": n}) for n in range(3)]
    for cookie in cookies:
        _open(app, cookie)
    assert list(app.session_interface._verified) == cookies[1:]
