"""Helpers shared by the browser tests and `scripts/screenshot.py`.

A real HTTP server for the app in a thread, Debian's Chromium (never a
downloaded browser) and a session cookie that signs a browser in as a staff
user without going through the sign-in pages.
"""

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}

# Runs in every page before its own scripts: report CSP violations to Python.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cmReportViolation({
    directive: event.violatedDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample
  });
});
"""


@dataclass
class LiveServer:
    """The address of the app served over real HTTP."""

    app: Flask
    host: str
    port: int

    @property
    def url(self) -> str:
        """The base URL, without a trailing slash."""
        return f"http://{self.host}:{self.port}"


@contextmanager
def serve(app: Flask, host: str = "127.0.0.1") -> Iterator[LiveServer]:
    """Serve `app` on a free port of `host` in a thread until the block ends."""
    server = make_server(host, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, host, server.server_port)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def launch_chromium(playwright: Any):
    """Start Debian's Chromium through Playwright (headless, no network chatter)."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )


def session_cookie(app: Flask, user: Any, base_url: str) -> dict:
    """A cookie holding the session Flask-Login writes when `user` signs in."""
    serializer = app.session_interface.get_signing_serializer(app)
    value = serializer.dumps({"_user_id": user.get_id(), "_fresh": True})
    return {
        "name": app.session_interface.get_cookie_name(app),
        "value": value,
        "url": base_url,
        "httpOnly": True,
        "sameSite": "Lax",
    }


class PageProblems:
    """What went wrong in a page: console errors, uncaught errors, CSP violations."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.csp_violations: list[dict] = []

    def watch(self, page: Any) -> None:
        """Start recording on `page` (call before the first navigation)."""
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.expose_binding(
            "__cmReportViolation", lambda source, report: self.csp_violations.append(report)
        )
        page.add_init_script(CSP_LISTENER)

    def _on_console(self, message: Any) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def all(self) -> list[str]:
        """Every problem as one readable line each (empty when the page was clean)."""
        return (
            [f"console: {text}" for text in self.console_errors]
            + [f"page error: {text}" for text in self.page_errors]
            + [f"CSP: {report}" for report in self.csp_violations]
        )
