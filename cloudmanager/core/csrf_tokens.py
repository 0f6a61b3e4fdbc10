"""The session's signed CSRF token, signed at most once a minute per process.

Every staff page carries the token (the htmx headers, the sign-out form), and
Flask-WTF signs it anew on every request: an HMAC over the session's raw token
and the time. A token signed less than a minute ago serves as well, since one
is accepted for `WTF_CSRF_TIME_LIMIT` (an hour) after its signing.
"""

import time

from flask import current_app, g, session
from flask_wtf.csrf import generate_csrf

from cloudmanager.core.bounded import BoundedDict

SIGN_AGAIN_AFTER = 60.0
MAX_REMEMBERED = 4096

# (signing key, raw session token) -> (signed at, as time.monotonic(); signed token)
_signed: BoundedDict[tuple[str, str], tuple[float, str]] = BoundedDict(MAX_REMEMBERED)


def csrf_token() -> str:
    """The signed CSRF token for this request's session (what `generate_csrf` returns).

    Forms rendered later in the request get the same token: Flask-WTF keeps it on `g`.
    """
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if field in g:
        return str(g.get(field))
    now = time.monotonic()
    signing_key = str(current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key)
    raw = session.get(field)
    known = _signed.get((signing_key, raw)) if isinstance(raw, str) else None
    if known is not None and now - known[0] < SIGN_AGAIN_AFTER:
        setattr(g, field, known[1])
        return known[1]
    token = str(generate_csrf())
    _signed.remember((signing_key, str(session[field])), (now, token))
    return token
