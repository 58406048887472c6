"""The early-warning signs of variants.md §4.6 (a [GK] proposal), on unsaved rows."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from rapport.rhythms.models import DailyMood, RhythmWeek
from rapport.rhythms.timeline import early_warnings

TODAY = date(2026, 11, 30)


def moods(values: list[int], sleep: list[str] | None = None) -> list[DailyMood]:
    start = TODAY - timedelta(days=len(values) - 1)
    return [
        DailyMood(
            day=start + timedelta(days=n),
            mood=value,
            sleep_hours=Decimal(sleep[n]) if sleep else None,
        )
        for n, value in enumerate(values)
    ]


def test_it_flags_two_high_days_in_a_row_but_not_two_apart() -> None:
    assert any("+3" in s.text for s in early_warnings([], moods([0, 3, 4, 0]), None, TODAY))
    assert early_warnings([], moods([3, 0, 3, 0]), None, TODAY) == []


def test_it_flags_three_low_days_in_a_row() -> None:
    assert any("-3" in s.text for s in early_warnings([], moods([-3, -4, -3]), None, TODAY))
    assert early_warnings([], moods([-3, -4, 0, -3]), None, TODAY) == []


def test_it_flags_short_sleep_against_the_first_two_weeks() -> None:
    # 14 nights of 8 h set the usual; two nights of 5.5 h are 2.5 h below it.
    sleep = ["8"] * 14 + ["5.5", "8", "5.5"]
    signs = early_warnings([], moods([0] * 17, sleep), None, TODAY)
    assert any("below the usual 8.0 on 2 nights" in s.text for s in signs)


def test_it_flags_a_rhythm_score_one_below_the_baseline() -> None:
    weeks = [RhythmWeek(week_start=TODAY, score=Decimal("4.00"))]
    assert early_warnings(weeks, [], Decimal("5.00"), TODAY)
    weeks = [RhythmWeek(week_start=TODAY, score=Decimal("4.50"))]
    assert early_warnings(weeks, [], Decimal("5.00"), TODAY) == []
