"""Flask's signed session cookie, verified once per cookie value and process.

A browser sends the same session cookie with every request until the app sets
a new one (at most once a minute, when "last seen" moves). Checking its
signature, decompressing and parsing it is the largest part of opening a
session. The cookie's bytes decide what it holds, so a value verified before
gives the same data again, until the cookie's age passes the session lifetime.
"""

import copy
import time
from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

from cloudmanager.core.bounded import BoundedDict

MAX_REMEMBERED = 2048


class RememberingSessionInterface(SecureCookieSessionInterface):
    """The signed-cookie session, remembering the cookies it has verified."""

    def __init__(self) -> None:
        # cookie value -> (expires at, as time.time(); the session data)
        self._verified: BoundedDict[str, tuple[float, dict[str, Any]]] = BoundedDict(MAX_REMEMBERED)

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """The session of the request's cookie; an empty one if it is missing or refused."""
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return super().open_session(app, request)
        known = self._verified.get(value)
        if known is not None and known[0] > time.time():
            return self.session_class(_copy(known[1]))
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        lifetime = app.permanent_session_lifetime.total_seconds()
        try:
            data, signed_at = serializer.loads(value, max_age=int(lifetime), return_timestamp=True)
        except BadSignature:
            return self.session_class()
        self._verified.remember(value, (signed_at.timestamp() + lifetime, data))
        return self.session_class(_copy(data))


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _copy(data: dict[str, Any]) -> dict[str, Any]:
    """A copy the request may change: lists and dicts inside are copied too.

    A signed-in session holds only strings and numbers (user id, last seen, CSRF
    token), and a deep copy of those costs more than the rest of opening it.
    """
    if all(type(value) in _SCALARS for value in data.values()):
        return dict(data)
    return copy.deepcopy(data)
