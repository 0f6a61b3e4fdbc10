"""The `flask` commands: seed-demo, create-admin, clock, permissions-doc, rebuild-mrr."""

import time

import click
from flask import Flask

from cloudmanager.extensions import db


def init_app(app: Flask) -> None:
    """Register the commands on the app."""
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_admin)
    app.cli.add_command(clock)
    app.cli.add_command(permissions_doc)
    app.cli.add_command(rebuild_mrr)


@click.command("seed-demo")
def seed_demo() -> None:
    """Fill the database with a realistic demo data set (safe to run twice)."""
    from cloudmanager.demo import seed

    summary = seed()
    db.session.commit()
    for line in summary:
        click.echo(line)


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True, default="Administrator")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_admin(email: str, name: str, password: str) -> None:
    """Create an admin; they enrol TOTP at their first sign-in."""
    from cloudmanager.auth.services import create_user
    from cloudmanager.core.errors import DomainError

    try:
        user = create_user(email=email, name=name, role="admin", password=password)
    except DomainError as error:
        errors = getattr(error, "errors", {}) or {"": error.message}
        for field, message in errors.items():
            click.echo(f"{field}: {message}" if field else message, err=True)
        raise SystemExit(1)
    db.session.commit()
    click.echo(f"Admin {user.email} created. They will enrol TOTP at first sign-in.")


@click.command("clock")
@click.option("--once", is_flag=True, help="Run the due periodic jobs once and exit.")
def clock(once: bool) -> None:
    """Run periodic jobs (billing run, reminders, SLA checks, search upkeep) on their schedule."""
    from cloudmanager.periodic import run_due_jobs

    while True:
        for line in run_due_jobs():
            click.echo(line)
        if once:
            return
        time.sleep(60)


@click.command("permissions-doc")
def permissions_doc() -> None:
    """Write docs/permissions.md from the permission matrix."""
    from cloudmanager.config import BASE_DIR
    from cloudmanager.core.permissions_doc import render_permissions_markdown

    path = BASE_DIR / "docs" / "permissions.md"
    path.write_text(render_permissions_markdown())
    click.echo(f"wrote {path}")


@click.command("rebuild-mrr")
def rebuild_mrr() -> None:
    """Recompute the MRR ledger from every service's history (after a bulk load or repair)."""
    from cloudmanager.reporting.mrr_ledger import rebuild

    rows = rebuild(db.session.connection())
    db.session.commit()
    click.echo(f"MRR ledger rebuilt: {rows} customer-months")
