"""Ticket background jobs: the periodic SLA check."""

from cloudmanager.extensions import db
from cloudmanager.tickets import notify
from cloudmanager.tickets.queries import tickets_breaching_sla

WARN_MINUTES = 60


def warn_sla_breaches() -> int:
    """Warn about every target due within the hour (once per ticket, target and due time)."""
    count = 0
    for ticket, kind, due in tickets_breaching_sla(within_minutes=WARN_MINUTES):
        notify.sla_warning(ticket, kind, due)
        count += 1
    db.session.commit()
    return count
