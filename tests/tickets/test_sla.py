"""SLA calendar math: business hours, weekends, holidays, time zones."""

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudmanager.tickets.sla import BusinessCalendar, business_minutes_between, due_at

NINE_TO_FIVE = {d: "09:00-17:00" for d in ("mon", "tue", "wed", "thu", "fri")}
CAL = BusinessCalendar.from_settings(NINE_TO_FIVE, ["2026-12-25"])
# 2026-11-27 is a Friday.
FRIDAY = datetime(2026, 11, 27)


def at(day: datetime, hh: int, mm: int = 0) -> datetime:
    return day.replace(hour=hh, minute=mm)


def test_four_hours_from_friday_five_pm_fall_due_monday_one_pm_with_nine_to_five():
    # The worked example says "Monday 12:00"; 4 business hours after Friday 17:00
    # with 9-17 hours end at Monday 13:00 (09-13). 12:00 holds for 8-17 hours (next test).
    assert due_at(at(FRIDAY, 17), 240, CAL) == datetime(2026, 11, 30, 13, 0)


def test_four_hours_from_friday_five_pm_fall_due_monday_noon_with_eight_to_five():
    cal = BusinessCalendar.from_settings({d: "08:00-17:00" for d in NINE_TO_FIVE})
    assert due_at(at(FRIDAY, 17), 240, cal) == datetime(2026, 11, 30, 12, 0)


def test_a_target_inside_the_day_ends_the_same_day():
    assert due_at(at(FRIDAY, 10), 120, CAL) == at(FRIDAY, 12)


def test_a_target_spanning_the_weekend_continues_on_monday():
    assert due_at(at(FRIDAY, 15), 240, CAL) == datetime(2026, 11, 30, 11, 0)


def test_a_ticket_opened_at_night_starts_counting_at_opening_time():
    assert due_at(datetime(2026, 11, 25, 2, 30), 60, CAL) == datetime(2026, 11, 25, 10, 0)


def test_a_ticket_opened_on_saturday_starts_counting_on_monday():
    assert due_at(datetime(2026, 11, 28, 12), 30, CAL) == datetime(2026, 11, 30, 9, 30)


def test_holidays_are_skipped():
    # 2026-12-24 is a Thursday, the 25th (Friday) is a holiday: continue Monday the 28th.
    assert due_at(datetime(2026, 12, 24, 16), 120, CAL) == datetime(2026, 12, 28, 10, 0)


def test_ending_exactly_at_closing_time_is_due_at_closing_time():
    assert due_at(at(FRIDAY, 9), 480, CAL) == at(FRIDAY, 17)


def test_local_business_hours_follow_the_time_zone_in_winter_and_summer():
    berlin = BusinessCalendar.from_settings(NINE_TO_FIVE, [], "Europe/Berlin")
    # Winter: Berlin is UTC+1, so 09:00 local opens at 08:00 UTC.
    assert due_at(datetime(2026, 11, 30, 0), 60, berlin) == datetime(2026, 11, 30, 9, 0)
    # Summer: UTC+2.
    assert due_at(datetime(2026, 7, 6, 0), 60, berlin) == datetime(2026, 7, 6, 8, 0)


def test_minutes_between_skip_nights_weekends_and_holidays():
    assert business_minutes_between(at(FRIDAY, 16), datetime(2026, 11, 30, 10), CAL) == 120
    assert (
        business_minutes_between(datetime(2026, 12, 24, 16), datetime(2026, 12, 28, 9), CAL) == 60
    )


def test_minutes_between_are_negative_when_the_end_comes_first():
    assert business_minutes_between(at(FRIDAY, 12), at(FRIDAY, 10), CAL) == -120


def test_a_calendar_without_working_days_is_refused():
    with pytest.raises(ValueError):
        BusinessCalendar.from_settings({})


moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0)
)


@settings(max_examples=200, deadline=None)
@given(start=moments, minutes=st.integers(min_value=1, max_value=5000))
def test_the_business_minutes_until_the_due_time_equal_the_target(start, minutes):
    due = due_at(start, minutes, CAL)
    assert due > start
    assert business_minutes_between(start, due, CAL) == minutes


@settings(max_examples=200, deadline=None)
@given(start=moments, minutes=st.integers(min_value=1, max_value=5000))
def test_due_times_fall_inside_business_hours(start, minutes):
    due = due_at(start, minutes, CAL)
    window = CAL.window(due.date())
    assert window is not None and window[0] < due <= window[1]


@settings(max_examples=100, deadline=None)
@given(start=moments, a=st.integers(1, 3000), b=st.integers(1, 3000))
def test_a_longer_target_is_never_due_earlier(start, a, b):
    low, high = sorted((a, b))
    assert due_at(start, low, CAL) <= due_at(start, high, CAL)
    assert due_at(start, high, CAL) - due_at(start, low, CAL) >= timedelta(minutes=high - low)
