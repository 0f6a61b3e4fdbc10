"""Reading a report's period and filters from the query string."""

from datetime import date, timedelta

from cloudmanager.core.errors import ValidationFailed
from cloudmanager.core.timeutil import utcnow
from cloudmanager.reporting.framework import Report, ReportParams

MAX_DAYS = 366 * 10


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last twelve months, up to the end of this month."""
    today = today or utcnow().date()
    start = date(today.year - 1, today.month, 1) + timedelta(days=32)
    start = start.replace(day=1)
    next_month = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start, next_month - timedelta(days=1)


def default_dates(report: Report, today: date | None = None) -> tuple[date, date]:
    """The period a report opens with: the last twelve months, or today for an as-of report."""
    if report.as_of:
        today = today or utcnow().date()
        return today, today
    return default_period(today)


def _parse_day(value: str, field: str, errors: dict[str, str]) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[field] = "Enter a date as YYYY-MM-DD."
        return None


def parse_params(report: Report, args) -> ReportParams:
    """The params of `report` from request args, or ValidationFailed with field messages."""
    default_from, default_to = default_dates(report)
    errors: dict[str, str] = {}
    date_to = _parse_day(args.get("date_to") or default_to.isoformat(), "date_to", errors)
    if report.as_of:
        date_from = date_to
    else:
        date_from = _parse_day(
            args.get("date_from") or default_from.isoformat(), "date_from", errors
        )
    if date_from and date_to:
        if date_to < date_from:
            errors["date_to"] = "The end must not be before the start."
        elif (date_to - date_from).days > MAX_DAYS:
            errors["date_to"] = "Choose a period of at most ten years."
    filters = {}
    for name, label, choices in report.filters:
        value = args.get(name, "") or report.default_for(name)
        if value and value not in {key for key, _ in choices}:
            errors[name] = f"Choose a valid {label.lower()}."
        filters[name] = value
    if errors:
        raise ValidationFailed(errors)
    return ReportParams(date_from=date_from, date_to=date_to, filters=filters)  # type: ignore[arg-type]
