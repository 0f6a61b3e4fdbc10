"""Reports as data: parameters in, columns and rows out, shown as chart + table + CSV.

Each report is a `Report` registered in `REPORTS`; one view renders any of them
and the CSV export writes exactly the rows and columns the page shows.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Callable, Sequence

from markupsafe import Markup

from cloudmanager.core.money import format_money


@dataclass
class Column:
    """One column: a key into each row, a label and how to format it."""

    key: str
    label: str
    kind: str = "text"  # text | money | int | percent | minutes


@dataclass
class ReportParams:
    """The period and filters a report is computed for."""

    date_from: date
    date_to: date
    filters: dict[str, str] = field(default_factory=dict)


@dataclass
class ReportResult:
    """What a report computed: rows (dicts keyed by column), a totals row, a chart."""

    columns: list[Column]
    rows: list[dict[str, Any]]
    totals: dict[str, Any] | None = None
    chart: Markup | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Report:
    """A registered report."""

    key: str
    title: str
    description: str
    permission: str
    compute: Callable[[ReportParams], ReportResult]
    filters: Sequence[tuple[str, str, Sequence[tuple[str, str]]]] = ()
    # Filters named here always have a value (no "All" option); a callable is asked per request.
    defaults: dict[str, str | Callable[[], str]] = field(default_factory=dict)
    as_of: bool = False  # one "as of" day (date_to) instead of a period

    def default_for(self, name: str) -> str:
        """The value filter `name` takes when the query string leaves it out ("" = all)."""
        default = self.defaults.get(name, "")
        return default() if callable(default) else default


REPORTS: dict[str, Report] = {}


def register_report(report: Report) -> Report:
    """Add a report to the registry (each domain's reports module calls this)."""
    REPORTS[report.key] = report
    return report


def format_cell(value: Any, kind: str) -> str:
    """A cell as the page shows it."""
    if value is None:
        return "—"
    if kind == "money":
        return format_money(value, "").strip()
    if kind == "percent":
        return f"{Decimal(value):.1f} %"
    if kind == "minutes":
        minutes = int(value)
        return f"{minutes // 60} h {minutes % 60:02d} min"
    if kind == "int":
        return f"{int(value):,}"
    return str(value)


def to_csv(result: ReportResult) -> str:
    """The rows (and totals) as CSV, with exact values (no thousands separators)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.label for column in result.columns])
    for row in result.rows + ([result.totals] if result.totals else []):
        writer.writerow(
            ["" if row.get(c.key) is None else str(row.get(c.key)) for c in result.columns]
        )
    return buffer.getvalue()
