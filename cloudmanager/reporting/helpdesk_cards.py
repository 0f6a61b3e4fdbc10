"""The helpdesk's dashboard figures: open tickets, tickets past an SLA due time, compliance.

Each card links to what is behind its number: the ticket list or the report.
"""

from datetime import date
from typing import Any

from flask import url_for

from cloudmanager.core.timeutil import utcnow
from cloudmanager.dashboard.cards import StatCard
from cloudmanager.reporting.helpdesk_queries import (
    open_ticket_counts,
    percent,
    period_bounds,
    sla_compliance,
)


def month_compliance(today: date) -> tuple[int, int]:
    """(targets met, targets measured) of first responses and resolutions this month so far."""
    first = today.replace(day=1)
    found = sla_compliance(*period_bounds(first, today), {}, ())
    measured = [found[key] for key in found if key[1] == "all"]
    return sum(m.met for m in measured), sum(m.count for m in measured)


def helpdesk_cards(user: Any) -> list[StatCard]:
    """Open tickets, tickets breaching their SLA now, SLA compliance this month (3 queries)."""
    now = utcnow()
    open_count, breaching = open_ticket_counts(now)
    met, measured = month_compliance(now.date())
    share = percent(met, measured)
    return [
        StatCard(
            "Open tickets",
            open_count,
            icon="life-preserver",
            order=50,
            url=url_for("tickets.index", view="open"),
        ),
        StatCard(
            "Tickets breaching SLA",
            breaching,
            icon="alarm",
            tone="danger" if breaching else "success",
            order=51,
            url=url_for("tickets.index", view="breached"),
            hint="open and past a due time",
        ),
        StatCard(
            "SLA compliance this month",
            f"{share} %" if share is not None else "—",
            icon="speedometer2",
            tone="primary" if share is None or share >= 90 else "warning",
            order=52,
            url=url_for(
                "reporting.show",
                key="helpdesk-sla",
                date_from=now.date().replace(day=1).isoformat(),
                date_to=now.date().isoformat(),
            ),
            hint=f"{met} of {measured} targets met" if measured else "nothing measured yet",
        ),
    ]
