"""Business-hours calendar math for SLA clocks.

Times going in and out are naive UTC, like every datetime in the database.
A calendar knows its working hours per weekday, its holidays and the time
zone its hours are written in; the math runs on local wall-clock time, so
"09:00-17:00" means nine to five where the support team sits, summer or winter.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterable
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_DAYS = 3 * 366  # a calendar with no working day would loop forever


@dataclass(frozen=True)
class BusinessCalendar:
    """Working hours per weekday (0 = Monday; None = closed), holidays, time zone."""

    hours: tuple[tuple[time, time] | None, ...]
    holidays: frozenset[date] = field(default_factory=frozenset)
    tz: str = "UTC"

    def __post_init__(self):
        if len(self.hours) != 7:
            raise ValueError("a calendar needs hours for 7 weekdays")
        if not any(self.hours):
            raise ValueError("a calendar needs at least one working day")

    @classmethod
    def from_settings(
        cls, business_hours: dict[str, str], holidays: Iterable[str] = (), tz: str = "UTC"
    ) -> "BusinessCalendar":
        """Build from settings: {"mon": "09:00-17:00", "sat": ""}, ["2026-12-25"], "Europe/Berlin"."""
        hours: list[tuple[time, time] | None] = []
        for day in WEEKDAYS:
            span = (business_hours.get(day) or "").replace(" ", "")
            if not span:
                hours.append(None)
                continue
            start, end = span.split("-", 1)
            hours.append((time.fromisoformat(start), time.fromisoformat(end)))
        return cls(tuple(hours), frozenset(date.fromisoformat(d) for d in holidays), tz)

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The local opening and closing time of `day`, or None when closed."""
        if day in self.holidays:
            return None
        span = self.hours[day.weekday()]
        if span is None:
            return None
        return datetime.combine(day, span[0]), datetime.combine(day, span[1])

    def to_local(self, moment: datetime) -> datetime:
        """Naive UTC → naive local wall-clock time."""
        if self.tz == "UTC":
            return moment
        aware = moment.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(self.tz))
        return aware.replace(tzinfo=None)

    def to_utc(self, local: datetime) -> datetime:
        """Naive local wall-clock time → naive UTC."""
        if self.tz == "UTC":
            return local
        aware = local.replace(tzinfo=ZoneInfo(self.tz)).astimezone(timezone.utc)
        return aware.replace(tzinfo=None)


def due_at(start: datetime, minutes: int, calendar: BusinessCalendar) -> datetime:
    """The moment `minutes` business minutes after `start` have passed (naive UTC)."""
    remaining = timedelta(minutes=max(0, minutes))
    cursor = calendar.to_local(start)
    for _ in range(MAX_DAYS):
        window = calendar.window(cursor.date())
        if window is not None:
            opens, closes = window
            cursor = max(cursor, opens)
            if cursor < closes:
                available = closes - cursor
                if remaining <= available:
                    return calendar.to_utc(cursor + remaining)
                remaining -= available
        cursor = datetime.combine(cursor.date() + timedelta(days=1), time.min)
    raise ValueError("no business hours within three years")


def business_minutes_between(a: datetime, b: datetime, calendar: BusinessCalendar) -> int:
    """Business minutes from `a` to `b` (negative when `b` comes first)."""
    if b < a:
        return -business_minutes_between(b, a, calendar)
    start, end = calendar.to_local(a), calendar.to_local(b)
    total = timedelta()
    day = start.date()
    while day <= end.date():
        window = calendar.window(day)
        if window is not None:
            opens, closes = max(window[0], start), min(window[1], end)
            if closes > opens:
                total += closes - opens
        day += timedelta(days=1)
    return int(total.total_seconds() // 60)
