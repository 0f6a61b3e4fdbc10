"""The reports index, one page per report, and its CSV export."""

from flask import Response, abort, request
from flask_login import current_user

from cloudmanager.core.errors import ValidationFailed
from cloudmanager.core.htmx import render_page
from cloudmanager.core.navigation import NavItem, register_nav
from cloudmanager.core.permissions import can
from cloudmanager.reporting import bp
from cloudmanager.reporting.framework import REPORTS, Report, format_cell, to_csv
from cloudmanager.reporting.params import default_dates, parse_params

register_nav(NavItem("Reports", "bar-chart-line", "reporting.index", "reports.view", order=70))


def _report_or_404(key: str) -> Report:
    report = REPORTS.get(key)
    if report is None:
        abort(404)
    if not can(current_user, report.permission):
        abort(403, "Your role does not allow this report.")
    return report


@bp.get("/")
def index():
    """The reports this user may open."""
    reports = [r for r in REPORTS.values() if can(current_user, r.permission)]
    return render_page("reporting/index.html", reports=reports)


@bp.get("/<key>")
def show(key: str):
    """A report: filters, chart, table, totals and a CSV link for the same rows."""
    report = _report_or_404(key)
    try:
        params = parse_params(report, request.args)
    except ValidationFailed as error:
        start, end = default_dates(report)
        return render_page(
            "reporting/report.html",
            "reporting/_result.html",
            report=report,
            errors=error.errors,
            args=request.args,
            result=None,
            defaults={"date_from": start, "date_to": end},
            status=422,
        )
    return render_page(
        "reporting/report.html",
        "reporting/_result.html",
        report=report,
        errors={},
        args=request.args,
        params=params,
        result=report.compute(params),
        format_cell=format_cell,
        defaults={"date_from": params.date_from, "date_to": params.date_to},
    )


@bp.get("/<key>.csv")
def export_csv(key: str):
    """Exactly the rows and columns of the page, as CSV."""
    report = _report_or_404(key)
    params = parse_params(report, request.args)
    body = to_csv(report.compute(params))
    filename = f"{report.key}-{params.date_from}-{params.date_to}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
