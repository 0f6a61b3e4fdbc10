"""Billing periods on month ends and leap years, and proration by days, worked by hand."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from cloudmanager.orders.periods import add_months, period, period_containing, prorate


def test_monthly_periods_anchored_on_jan_31_keep_the_month_end_through_a_leap_year():
    starts = [period(date(2027, 12, 31), "monthly", n).start for n in range(6)]
    assert starts == [
        date(2027, 12, 31),
        date(2028, 1, 31),
        date(2028, 2, 29),
        date(2028, 3, 31),
        date(2028, 4, 30),
        date(2028, 5, 31),
    ]


def test_jan_31_plus_one_month_is_feb_28_then_mar_31_in_a_common_year():
    anchor = date(2026, 1, 31)
    assert add_months(anchor, 1) == date(2026, 2, 28)
    assert add_months(anchor, 2) == date(2026, 3, 31)
    assert period(anchor, "monthly", 1).end == date(2026, 3, 30)


def test_annual_periods_anchored_on_feb_29_fall_back_to_feb_28_and_return_in_leap_years():
    anchor = date(2024, 2, 29)
    starts = [period(anchor, "annual", n).start for n in range(5)]
    assert starts == [
        date(2024, 2, 29),
        date(2025, 2, 28),
        date(2026, 2, 28),
        date(2027, 2, 28),
        date(2028, 2, 29),
    ]


@pytest.mark.parametrize("cycle", ["monthly", "quarterly", "semiannual", "annual"])
@pytest.mark.parametrize("anchor", [date(2024, 1, 31), date(2025, 8, 30), date(2026, 11, 26)])
def test_periods_are_contiguous_without_gap_or_overlap_for_ten_years(cycle, anchor):
    previous = period(anchor, cycle, 0)
    assert previous.start == anchor
    for n in range(1, 121 if cycle == "monthly" else 40):
        current = period(anchor, cycle, n)
        assert current.start == previous.end + timedelta(days=1)
        assert current.end >= current.start
        previous = current


def test_quarterly_periods_from_nov_30_clamp_each_start_to_the_anchor_day():
    anchor = date(2026, 11, 30)
    assert [period(anchor, "quarterly", n).start for n in range(4)] == [
        date(2026, 11, 30),
        date(2027, 2, 28),
        date(2027, 5, 30),
        date(2027, 8, 30),
    ]


def test_period_lengths_follow_the_calendar():
    assert period(date(2028, 2, 1), "monthly", 0).days == 29
    assert period(date(2027, 2, 1), "monthly", 0).days == 28
    assert period(date(2028, 1, 1), "annual", 0).days == 366
    assert period(date(2027, 1, 1), "annual", 0).days == 365


def test_period_containing_finds_the_period_of_any_day():
    anchor = date(2026, 1, 31)
    assert period_containing(anchor, "monthly", date(2026, 3, 1)).start == date(2026, 2, 28)
    assert period_containing(anchor, "monthly", date(2026, 3, 31)).start == date(2026, 3, 31)
    assert period_containing(anchor, "annual", date(2030, 1, 30)).start == date(2029, 1, 31)
    with pytest.raises(ValueError):
        period_containing(anchor, "monthly", date(2026, 1, 30))


def test_unknown_cycle_is_refused():
    with pytest.raises(ValueError):
        period(date(2026, 1, 1), "weekly", 0)


def test_proration_of_the_last_10_days_of_a_30_day_month():
    # 30.00 for Nov 2026 (30 days); from Nov 21: 10 days → 30 × 10 / 30 = 10.00
    nov = period(date(2026, 11, 1), "monthly", 0)
    assert prorate(Decimal("30.00"), nov, date(2026, 11, 21)) == Decimal("10.00")


def test_proration_rounds_half_up_to_cents():
    # 10.00 for Feb 2027 (28 days), 1 day left: 10 / 28 = 0.357142… → 0.36
    feb = period(date(2027, 2, 1), "monthly", 0)
    assert prorate(Decimal("10.00"), feb, date(2027, 2, 28)) == Decimal("0.36")
    # 0.07 × 14 / 28 = 0.035 → 0.04 (half-up, not banker's 0.04/0.03)
    assert prorate(Decimal("0.07"), feb, date(2027, 2, 15)) == Decimal("0.04")


def test_proration_over_a_leap_year_counts_366_days():
    # 366.00 a year from Mar 1 2027 (contains Feb 29 2028); 100 days left → 100.00
    year = period(date(2027, 3, 1), "annual", 0)
    assert year.days == 366
    assert prorate(Decimal("366.00"), year, year.end - timedelta(days=99)) == Decimal("100.00")


def test_proration_outside_the_period_is_all_or_nothing():
    nov = period(date(2026, 11, 1), "monthly", 0)
    assert prorate(Decimal("30.00"), nov, date(2026, 10, 1)) == Decimal("30.00")
    assert prorate(Decimal("30.00"), nov, date(2026, 12, 1)) == Decimal("0.00")
