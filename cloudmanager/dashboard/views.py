"""Dashboard, /healthz and the failed-jobs page."""

from flask import jsonify

from cloudmanager.core.htmx import render_page
from cloudmanager.dashboard import bp
from cloudmanager.dashboard.health import health_report
from cloudmanager.infra.queue import failed_jobs


@bp.get("/")
def index():
    """The staff home page."""
    return render_page("dashboard/index.html")


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
