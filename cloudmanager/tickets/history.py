"""Synthetic ticket history: months of tickets with SLA times that agree with each other.

Used by the demo data (a year of history, so the helpdesk reports have
something to show) and by the reporting benchmark (200,000 tickets by COPY).
Each ticket's due times come from the real SLA targets and business calendar
(`sla.due_at`), its first response and resolution happen a number of business
minutes after opening, and the stored measures are computed from those
timestamps with the same functions the ticket services use. Nothing here
touches the database: rows come out as dicts keyed by column name.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, Iterator, Sequence

from cloudmanager.tickets.measures import first_response_measures, resolution_measures
from cloudmanager.tickets.sla import BusinessCalendar, due_at

PRIORITY_WEIGHTS = {"low": 20, "normal": 50, "high": 22, "urgent": 8}
TIER_WEIGHTS = {"standard": 75, "basic": 15, "premium": 10}
SUBJECTS = [
    "VPS does not answer pings",
    "Backups failing since the last update",
    "Invoice shows the wrong VAT id",
    "Need a second IPv4 address",
    "SSL certificate renewal failed",
    "Change of billing address",
    "DNS zone import",
    "Disk almost full on the database server",
    "Upgrade to a bigger plan",
    "Payment reminder although we paid",
    "Mail server on a blocklist",
    "Question about the premium support plan",
]
CUSTOMER_WORDS = "Since this morning it does not work. Can you please have a look?"
STAFF_REPLY = "Thank you, we are looking into it and come back to you shortly."
# Set only when they happened; every row carries every key, for executemany and COPY.
OPTIONAL_COLUMNS = (
    "first_responded_at",
    "first_response_business_minutes",
    "first_response_sla_met",
    "resolved_at",
    "resolution_business_minutes",
    "resolution_sla_met",
    "closed_at",
    "sla_paused_at",
)
STAFF_DONE = "This is fixed now. If anything is still wrong, just reply to this message."


@dataclass
class HistorySpec:
    """What to generate: when, how many, for whom, by whom, under which SLA rules."""

    start: datetime
    end: datetime  # "now": nothing happens after it
    count: int
    departments: Sequence[str]
    agents: Sequence[tuple[int, str]]  # (user id, name), each with its own speed
    requesters: Sequence[dict]  # customer_id, requester_id, requester_email, requester_name
    calendar_for: Callable[[str], BusinessCalendar]
    targets: Callable[[str, str], tuple[int, int]]  # (tier, priority) -> business minutes
    seed: int = 2026
    department_weights: Sequence[int] = field(default_factory=lambda: (55, 25, 20))


def _created_times(rng: random.Random, spec: HistorySpec) -> list[datetime]:
    """Opening times, fewer at weekends and at night, in time order."""
    span = (spec.end - spec.start).total_seconds()
    times = []
    while len(times) < spec.count:
        moment = spec.start + timedelta(seconds=rng.random() * span)
        weekend = moment.weekday() >= 5
        night = not 6 <= moment.hour < 17
        if (weekend and rng.random() < 0.7) or (night and rng.random() < 0.6):
            continue
        times.append(moment.replace(microsecond=0))
    return sorted(times)


def _delay(rng: random.Random, target: int, speed: float, trend: float, median: float) -> int:
    """Business minutes until something happens: mostly within `target`, some late."""
    return max(3, int(target * median * speed * trend * rng.lognormvariate(0, 0.6)))


def _message(index: int, at: datetime, body: str, agent: tuple | None, requester: dict) -> dict:
    """A message of ticket number `index` in this history, by the customer or an agent."""
    customer_label = requester.get("requester_name") or requester["requester_email"]
    return {
        "ticket": index,
        "created_at": at,
        "body": body,
        "author_user_id": agent[0] if agent else None,
        "author_contact_id": None if agent else requester.get("requester_id"),
        "author_label": agent[1] if agent else customer_label,
    }


def ticket_history(spec: HistorySpec) -> Iterator[tuple[dict, list[dict]]]:
    """(ticket columns, [message columns]) per ticket, oldest first; deterministic per seed."""
    rng = random.Random(spec.seed)
    speeds = [0.7 + 0.7 * (i % 4) / 3 for i in range(len(spec.agents))]
    span = (spec.end - spec.start).total_seconds() or 1
    weights = list(spec.department_weights)[: len(spec.departments)]
    weights += [10] * (len(spec.departments) - len(weights))
    for index, created in enumerate(_created_times(rng, spec)):
        department = rng.choices(spec.departments, weights)[0]
        priority = rng.choices(list(PRIORITY_WEIGHTS), list(PRIORITY_WEIGHTS.values()))[0]
        tier = rng.choices(list(TIER_WEIGHTS), list(TIER_WEIGHTS.values()))[0]
        slot = rng.randrange(len(spec.agents))
        agent = spec.agents[slot] if rng.random() > 0.05 else None  # a few nobody took
        speed = speeds[slot] if agent else 1.3
        trend = 1.25 - 0.4 * (created - spec.start).total_seconds() / span  # getting faster
        requester = spec.requesters[rng.randrange(len(spec.requesters))]
        calendar = spec.calendar_for(department)
        first_target, resolve_target = spec.targets(tier, priority)
        row = {
            "subject": rng.choice(SUBJECTS),
            "department": department,
            "priority": priority,
            "support_tier": tier,
            "source": rng.choice(("web", "email", "portal")),
            "assignee_id": agent[0] if agent else None,
            "created_at": created,
            "sla_clock_started_at": created,
            "first_response_due_at": due_at(created, first_target, calendar),
            "resolution_due_at": due_at(created, resolve_target, calendar),
            "status": "new",
            **dict.fromkeys(OPTIONAL_COLUMNS),
            **{key: requester.get(key) for key in ("customer_id", "requester_id")},
            "requester_email": requester["requester_email"],
            "requester_name": requester.get("requester_name") or "",
        }
        messages = [_message(index, created, CUSTOMER_WORDS, None, requester)]
        first_delay = _delay(rng, first_target, speed, trend, 0.35)
        answered = due_at(created, first_delay, calendar)
        resolved = due_at(
            created, first_delay + _delay(rng, resolve_target, speed, trend, 0.4), calendar
        )
        if answered <= spec.end:
            row["first_responded_at"] = answered
            row["first_response_business_minutes"], row["first_response_sla_met"] = (
                first_response_measures(created, answered, row["first_response_due_at"], calendar)
            )
            row["status"] = "open"
            messages.append(
                _message(index, answered, STAFF_REPLY, agent or spec.agents[0], requester)
            )
        if answered <= spec.end and resolved <= spec.end and rng.random() > 0.02:
            row["resolved_at"] = resolved
            row["resolution_business_minutes"], row["resolution_sla_met"] = resolution_measures(
                created, resolved, row["resolution_due_at"], calendar
            )
            closed = resolved + timedelta(days=7) <= spec.end
            row["status"] = "closed" if closed else "resolved"
            row["closed_at"] = resolved + timedelta(days=7) if closed else None
            messages.append(
                _message(index, resolved, STAFF_DONE, agent or spec.agents[0], requester)
            )
        elif answered <= spec.end and rng.random() < 0.5:
            row["status"], row["sla_paused_at"] = "waiting", answered
        row["last_activity_at"] = messages[-1]["created_at"]
        yield row, messages
