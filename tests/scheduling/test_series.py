"""Booking a course from the contract: cadence, DST, time off, conflicts, numbering."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from rapport.scheduling import series
from rapport.scheduling.booking import book
from rapport.scheduling.models import Appointment, Reminder
from tests.scheduling.helpers_l import FIRST, TEN, ZONE, away, course, sessions

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 8, 20, 12, tzinfo=dt.UTC)
NY = zoneinfo.ZoneInfo(ZONE)


@time_machine.travel(NOW, tick=False)
def test_it_books_the_planned_number_of_weekly_sessions(cast) -> None:
    result = course(cast)
    booked = sessions(result)
    assert len(booked) == 12
    assert [a.series_index for a in booked] == list(range(1, 13))
    assert {a.context_id for a in booked} == {cast.episode.public_id}
    assert {a.kind for a in booked} == {Appointment.Kind.SESSION}
    assert all(a.ends_at - a.starts_at == dt.timedelta(minutes=50) for a in booked)
    days = [a.starts_at.astimezone(NY).date() for a in booked]
    assert days == [FIRST + dt.timedelta(weeks=n) for n in range(12)]


@time_machine.travel(NOW, tick=False)
def test_it_keeps_the_local_wall_clock_time_across_dst(cast) -> None:
    booked = sessions(course(cast))
    assert {a.starts_at.astimezone(NY).time() for a in booked} == {TEN}
    # 14:00Z on summer time (EDT), 15:00Z after 1 November (EST).
    assert booked[0].starts_at.hour == 14
    assert booked[-1].starts_at.hour == 15


@time_machine.travel(NOW, tick=False)
def test_it_skips_time_off_and_continues_the_course_on_the_next_date(cast) -> None:
    holiday = FIRST + dt.timedelta(weeks=3)
    away(cast.therapist, holiday)
    result = course(cast)
    days = [a.starts_at.astimezone(NY).date() for a in sessions(result)]
    assert result.skipped_days == [holiday]
    assert holiday not in days
    assert len(days) == 12
    assert days[-1] == FIRST + dt.timedelta(weeks=12)


@time_machine.travel(NOW, tick=False)
def test_it_lists_a_clash_for_manual_placement_and_books_the_rest(cast) -> None:
    clash = dt.datetime.combine(FIRST + dt.timedelta(weeks=2), TEN, NY)
    book(
        clinic=cast.clinic,
        therapist=cast.therapist,
        client=cast.colleague_client,
        starts_at=clash,
        ends_at=clash + dt.timedelta(minutes=50),
        kind=Appointment.Kind.SESSION,
        by=cast.intake,
    )
    result = course(cast)
    assert [c.index for c in result.conflicts] == [3]
    assert len(result.booked) == 11
    assert series.unplaced(result.series) == [3]
    placed = series.place(
        result.series, 3, day=FIRST + dt.timedelta(weeks=2), at=dt.time(16), by=cast.therapist
    )
    assert placed.series_index == 3
    assert series.unplaced(result.series) == []


@time_machine.travel(NOW, tick=False)
def test_it_supports_fortnightly_monthly_and_twice_weekly(cast) -> None:
    def days(result):
        return [a.starts_at.astimezone(NY).date() for a in sessions(result)]

    assert days(course(cast, count=3, frequency="fortnightly")) == [
        FIRST,
        FIRST + dt.timedelta(weeks=2),
        FIRST + dt.timedelta(weeks=4),
    ]
    later = FIRST + dt.timedelta(weeks=20)
    assert days(course(cast, count=2, frequency="monthly", first=later)) == [
        later,
        later + dt.timedelta(weeks=4),
    ]
    start = FIRST + dt.timedelta(weeks=40)  # a Tuesday; Thursday is weekday 3
    assert days(course(cast, count=4, frequency="twice_weekly", first=start, second_weekday=3)) == [
        start,
        start + dt.timedelta(days=2),
        start + dt.timedelta(days=7),
        start + dt.timedelta(days=9),
    ]


@time_machine.travel(NOW, tick=False)
def test_it_creates_reminders_for_each_booked_session(cast) -> None:
    result = course(cast, count=2)
    assert Reminder.objects.filter(appointment__series=result.series).count() == 4


@time_machine.travel(NOW, tick=False)
def test_it_does_not_count_cancelled_sessions_in_the_session_number(cast) -> None:
    from rapport.scheduling import changes

    booked = sessions(course(cast, count=4))
    changes.cancel(booked[1], by=cast.therapist)
    booked[1].refresh_from_db()
    assert [series.session_number(a) for a in booked] == [1, None, 2, 3]
    fresh = list(Appointment.objects.filter(series=booked[0].series))
    numbers = series.session_numbers(fresh)
    assert [numbers.get(a.pk) for a in booked] == [1, None, 2, 3]
