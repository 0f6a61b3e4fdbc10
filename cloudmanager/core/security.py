"""Security headers on every response: CSP without inline code, and friends."""

from typing import Iterable

from flask import Flask, Response

# The SHA-256 of the empty string: allows only *empty* <style> elements, which
# CSS-in-JS libraries (ReDoc's styled-components) create before filling them
# through the CSSOM. No inline CSS text is allowed by it.
EMPTY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"


def content_security_policy(style_src: str = "'self'") -> str:
    """Our CSP; only `style-src` may be widened (by a hash), never to unsafe-inline."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            f"style-src {style_src}",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


CONTENT_SECURITY_POLICY = content_security_policy()

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


SECURITY_HEADER_ITEMS = tuple(SECURITY_HEADERS.items())
_NAMES = frozenset(name.lower() for name in SECURITY_HEADERS)


def add_security_headers(response: Response) -> Response:
    """Set the headers unless a view chose its own value.

    One pass over the response's headers: six `setdefault`s scanned them six times.
    """
    chosen = {name.lower() for name, _value in response.headers} & _NAMES
    items: Iterable[tuple[str, str]] = SECURITY_HEADER_ITEMS
    if chosen:
        items = [(name, value) for name, value in items if name.lower() not in chosen]
    response.headers.extend(items)
    return response


def add_hsts(response: Response) -> Response:
    """Strict-Transport-Security when cookies are Secure (i.e. served over https)."""
    response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def init_app(app: Flask) -> None:
    """Register the header hooks."""
    app.after_request(add_security_headers)
    if app.config.get("SESSION_COOKIE_SECURE"):
        app.after_request(add_hsts)
