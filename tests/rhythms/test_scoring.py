"""The SRM's weekly score (variants.md §4.4), on a week worked out by hand."""

from __future__ import annotations

from decimal import Decimal

from rapport.rhythms import scoring


def hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


# An SRM-5 week (§4.4: out of bed, first contact, start work, dinner, bedtime).
WEEK = {
    # Symmetric about 07:00, so the habitual time is 07:00; every time is within 45
    # minutes of it (the farthest, 06:30 and 07:30, are 30 away): 7 done, 7 hits.
    "out_of_bed": [hm(t) for t in ("07:00", "07:30", "06:30", "07:00", "07:00", "07:00", "07:00")],
    # Mean (4x480 + 540 + 420) / 6 = 480 = 08:00; 09:00 and 07:00 are 60 away, so
    # misses: 6 done (one day not done), 4 hits.
    "first_contact": [hm(t) for t in ("08:00", "08:00", "08:00", "09:00", "07:00", "08:00")],
    # Done on 2 days only: fewer than 3, so left out (§4.4). 2 done, not scored.
    "start_work": [hm("09:00"), hm("09:00")],
    # Mean (18:00 + 19:00 + 20:00) / 3 = 19:00; 18:00 and 20:00 are 60 away: 3 done, 1 hit.
    "dinner": [hm("18:00"), hm("19:00"), hm("20:00")],
    # Symmetric about midnight on the 24-hour circle: habitual 00:00. Distances 30, 30,
    # 45, 45, 0, 120, 120: the two at exactly 45 count (±45 is inclusive): 7 done, 5 hits.
    # A plain mean of the minutes would put it at 4320 / 7 ≈ 617 = 10:17 in the morning.
    "bedtime": [hm(t) for t in ("23:30", "00:30", "23:15", "00:45", "00:00", "02:00", "22:00")],
}


def test_it_scores_the_hand_worked_week() -> None:
    week = scoring.score_week(WEEK)
    by = {a.activity: a for a in week.activities}
    assert [by[a].hits for a in WEEK] == [7, 4, 0, 1, 5]
    assert by["start_work"].included is False
    assert by["bedtime"].habitual == 0
    assert by["first_contact"].habitual == hm("08:00")
    # Hits 7 + 4 + 1 + 5 = 17 over 4 included activities: 17 / 4 = 4.25.
    assert week.hits == 17
    assert week.included == 4
    assert week.score == Decimal("4.25")
    # Activity Level Index: every activity done, 7 + 6 + 2 + 3 + 7 = 25.
    assert week.activity_level == 25


def test_it_gives_the_most_regular_week_seven() -> None:
    every_day = {a: [hm("07:00")] * 7 for a in ("out_of_bed", "dinner")}
    assert scoring.score_week(every_day).score == Decimal("7.00")


def test_it_gives_no_score_when_nothing_was_done_three_times() -> None:
    week = scoring.score_week({"dinner": [hm("19:00")] * 2, "bedtime": []})
    assert week.score is None
    assert week.activity_level == 2


def test_it_measures_distance_the_short_way_round_midnight() -> None:
    assert scoring.distance(hm("23:30"), hm("00:30")) == 60
    assert scoring.circular_mean([hm("23:30"), hm("00:30")]) == 0


def test_it_takes_the_baseline_from_the_first_two_consecutive_scored_weeks() -> None:
    # §4.4: two consecutive weeks averaged. (None, 4.00, 5.00, 1.00): (4 + 5) / 2 = 4.50.
    scores = [None, Decimal("4.00"), Decimal("5.00"), Decimal("1.00")]
    assert scoring.baseline(scores) == Decimal("4.50")
    assert scoring.baseline([Decimal("4"), None, Decimal("5")]) is None
