"""Patch the vendored ReDoc bundle so it runs under our CSP without reaching a CDN.

ReDoc 3 loads its "API docs by Redocly" logo from cdn.redoc.ly and probes
`Function(...)` (eval) for its search worker. We point the logo at our own
favicon and make the probe answer "no worker" (search is disabled anyway).
Run after copying a new bundle: `python scripts/patch_redoc.py`.
"""

from pathlib import Path

BUNDLE = Path(__file__).resolve().parent.parent / "static/vendor/redoc/redoc.standalone.js"
REPLACEMENTS = [
    ("https://cdn.redoc.ly/redoc/logo-mini-full.svg", "/static/img/favicon.svg"),
    ("https://cdn.redoc.ly/redoc/logo-mini.svg", "/static/img/favicon.svg"),
    ("return e._factory??=Function(XDe),!0", "return!1"),
]


def main() -> None:
    """Apply every replacement once; fail loudly when the bundle changed shape."""
    text = BUNDLE.read_text()
    for old, new in REPLACEMENTS:
        if old not in text and new in text:
            continue
        if text.count(old) != 1:
            raise SystemExit(f"expected exactly one {old!r} in {BUNDLE}")
        text = text.replace(old, new)
    BUNDLE.write_text(text)
    print(f"patched {BUNDLE}")


if __name__ == "__main__":
    main()
