"""Screenshot a page of CloudManager in Debian's Chromium (the README's picture).

Builds a throw-away SQLite database with the demo data, serves the app on a
free local port, signs Chromium in as the demo admin and saves a PNG:

    python scripts/screenshot.py                       # docs/screenshot.png, dashboard, 1440x900
    python scripts/screenshot.py --path /jobs --phone --out /tmp/jobs-phone.png
"""

import argparse
import logging
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cloudmanager import create_app  # noqa: E402
from cloudmanager.config import DevelopmentConfig  # noqa: E402
from tests.browser.support import (  # noqa: E402
    DESKTOP,
    PHONE,
    launch_chromium,
    serve,
    session_cookie,
)


def build_app(database: Path):
    """The app on a fresh SQLite file filled with the demo data set."""
    from sqlalchemy import select

    from cloudmanager.auth.models import User
    from cloudmanager.demo import seed
    from cloudmanager.extensions import db

    class ScreenshotConfig(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{database}"
        REDIS_URL = ""
        RATELIMIT_STORAGE_URI = "memory://"
        MAIL_SERVER = ""

    app = create_app(ScreenshotConfig)
    with app.app_context():
        db.create_all()
        seed()
        db.session.commit()
        admin = db.session.scalar(select(User).where(User.role == "admin").order_by(User.id))
    return app, admin


def take(app, user, path: str, out: Path, viewport: dict, full_page: bool) -> None:
    """Open `path` as `user` and save the screenshot to `out`."""
    from playwright.sync_api import sync_playwright

    with serve(app) as server, sync_playwright() as driver:
        browser = launch_chromium(driver)
        context = browser.new_context(base_url=server.url, viewport=viewport, device_scale_factor=1)
        with app.app_context():
            context.add_cookies([session_cookie(app, user, server.url)])
        page = context.new_page()
        page.goto(path)
        page.wait_for_load_state("networkidle")
        page.evaluate("document.fonts.ready")
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out), full_page=full_page)
        browser.close()


def main() -> None:
    """Parse the options and take the screenshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default="/", help="page to open (default: the dashboard)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    parser.add_argument("--phone", action="store_true", help="390x844 instead of 1440x900")
    parser.add_argument("--full-page", action="store_true", help="the whole page, not the window")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        app, admin = build_app(Path(tmp) / "screenshot.db")
        take(
            app, admin, args.path, Path(args.out), PHONE if args.phone else DESKTOP, args.full_page
        )
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
