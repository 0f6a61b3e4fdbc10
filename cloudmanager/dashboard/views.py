"""Dashboard, /healthz and the failed-jobs page."""

from flask import jsonify
from flask_login import current_user

from cloudmanager.core.htmx import render_page
from cloudmanager.core.permissions import can
from cloudmanager.core.timeutil import utcnow
from cloudmanager.dashboard import bp
from cloudmanager.dashboard.activity import describe_action, describe_object, recent_activity
from cloudmanager.dashboard.cards import dashboard_cards
from cloudmanager.dashboard.health import health_report
from cloudmanager.infra.queue import failed_jobs


@bp.get("/")
def index():
    """The staff home page: figures from every domain, and system health for admins."""
    return render_page(
        "dashboard/index.html",
        dashboard_cards=dashboard_cards(),
        health=health_report() if can(current_user, "jobs.view") else None,
        activity=recent_activity() if can(current_user, "audit.view") else None,
        describe_action=describe_action,
        describe_object=describe_object,
        today=utcnow(),
    )


@bp.get("/healthz")
def healthz():
    """200 with component status, 503 when the database is down."""
    report = health_report()
    status = 200 if report["database"] == "ok" else 503
    return jsonify(report), status


@bp.get("/jobs")
def jobs():
    """Background jobs that failed after their retries, with their errors."""
    return render_page("dashboard/jobs.html", jobs=failed_jobs())


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on pages that name no icon (PDFs, JSON)."""
    from flask import redirect, url_for

    return redirect(url_for("static", filename="img/favicon.svg"), code=301)
