"""Stored in UTC, shown in the viewer's zone; wall-clock times survive DST (item 10)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from rapport.scheduling.booking import free_slots
from rapport.scheduling.timeutil import local_day_bounds, local_to_utc
from tests.factories import signed_in
from tests.scheduling.helpers_k import at, booked, hours

NY = "America/New_York"


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (dt.date(2026, 3, 6), 15),  # before spring forward (8 March): EST, UTC-5
        (dt.date(2026, 3, 9), 14),  # after: EDT, UTC-4
        (dt.date(2026, 10, 30), 14),  # before fall back (1 November): EDT
        (dt.date(2026, 11, 2), 15),  # after: EST
    ],
)
def test_it_maps_ten_in_new_york_to_utc_across_dst(day: dt.date, utc_hour: int) -> None:
    assert local_to_utc(day, dt.time(10), NY) == dt.datetime.combine(
        day, dt.time(utc_hour), tzinfo=dt.UTC
    )


def test_it_shifts_a_time_in_the_spring_gap_forward() -> None:
    # 02:30 does not exist on 8 March 2026 in New York: it becomes 03:30 EDT.
    assert local_to_utc(dt.date(2026, 3, 8), dt.time(2, 30), NY) == at(2026, 3, 8, 7, 30)


def test_it_takes_the_first_of_an_ambiguous_autumn_time() -> None:
    # 01:30 happens twice on 1 November 2026: fold=0 is the earlier, still EDT.
    assert local_to_utc(dt.date(2026, 11, 1), dt.time(1, 30), NY) == at(2026, 11, 1, 5, 30)


def test_it_knows_a_dst_day_is_23_hours_long() -> None:
    start, end = local_day_bounds(dt.date(2026, 3, 8), NY)
    assert end - start == dt.timedelta(hours=23)


@pytest.mark.django_db
@time_machine.travel(at(2026, 3, 1), tick=False)
def test_it_keeps_free_slot_wall_clock_times_across_a_dst_change(cast) -> None:
    hours(cast.therapist, 4, "10:00", "11:00", zone=NY)  # Fridays 10:00 New York
    slots = free_slots(cast.therapist, dt.date(2026, 3, 2), 14)
    assert [start for start, _end in slots] == [at(2026, 3, 6, 15), at(2026, 3, 13, 14)]
    local = [start.astimezone(zoneinfo.ZoneInfo(NY)).time() for start, _ in slots]
    assert local == [dt.time(10), dt.time(10)]


@pytest.mark.django_db
@time_machine.travel(at(2026, 3, 1), tick=False)
def test_it_shows_the_calendar_in_the_viewers_zone_and_names_it(cast) -> None:
    cast.therapist.time_zone = "Europe/Berlin"
    cast.therapist.save()
    booked(cast.therapist, at(2026, 3, 4, 9), client=cast.client)  # 10:00 in Berlin
    url = reverse("scheduling:calendar_day") + "?date=2026-03-04"
    body = signed_in(cast.therapist).get(url).content.decode()
    assert "Times in Europe/Berlin" in body
    assert "10:00–10:50" in body
