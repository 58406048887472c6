"""Weekly hours and time off: who edits them, validation, removal, audit (item 4)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from rapport.core.models import AuditEvent
from rapport.scheduling.models import TimeOff, WeeklyHours
from tests.factories import csrf_post, signed_in
from tests.scheduling.helpers_k import at, booked, hours

pytestmark = pytest.mark.django_db

BLOCK = {
    "weekday": "0",
    "starts": "09:00",
    "ends": "12:00",
    "time_zone": "Europe/London",
    "session_minutes": "50",
    "buffer_minutes": "10",
}


def _url(name: str, therapist) -> str:
    return reverse(f"scheduling:{name}", kwargs={"public_id": therapist.public_id})


def test_it_lets_a_therapist_add_their_weekly_hours(cast) -> None:
    response = csrf_post(signed_in(cast.therapist), _url("hours_add", cast.therapist), BLOCK)
    assert response.status_code == 302
    block = WeeklyHours.objects.get(therapist=cast.therapist)
    assert (block.starts, block.ends, block.time_zone) == (
        dt.time(9),
        dt.time(12),
        "Europe/London",
    )
    event = AuditEvent.objects.get(action="scheduling.hours.updated")
    assert event.actor == cast.therapist
    assert event.fields == ["weekly_hours"]


def test_it_lets_a_coordinator_edit_any_therapists_hours(cast) -> None:
    csrf_post(signed_in(cast.intake), _url("hours_add", cast.therapist), BLOCK)
    assert WeeklyHours.objects.filter(therapist=cast.therapist).count() == 1


def test_it_hides_a_colleagues_hours(cast) -> None:
    response = csrf_post(signed_in(cast.colleague), _url("hours_add", cast.therapist), BLOCK)
    assert response.status_code == 404
    assert not WeeklyHours.objects.exists()


def test_it_refuses_hours_that_end_before_they_start_and_keeps_the_input(cast) -> None:
    data = BLOCK | {"starts": "13:00", "ends": "12:00"}
    response = csrf_post(signed_in(cast.therapist), _url("hours_add", cast.therapist), data)
    assert response.status_code == 200
    assert "The end time must be after the start time." in response.content.decode()
    assert 'value="13:00"' in response.content.decode()
    assert not WeeklyHours.objects.exists()


def test_it_refuses_overlapping_blocks_on_the_same_day(cast) -> None:
    hours(cast.therapist, 0, "11:00", "15:00")
    response = csrf_post(signed_in(cast.therapist), _url("hours_add", cast.therapist), BLOCK)
    assert response.status_code == 200
    assert "overlap the block 11:00–15:00" in response.content.decode()
    assert WeeklyHours.objects.count() == 1
    other_day = BLOCK | {"weekday": "1"}
    csrf_post(signed_in(cast.therapist), _url("hours_add", cast.therapist), other_day)
    assert WeeklyHours.objects.count() == 2


def test_it_removes_a_block_with_confirmation(cast) -> None:
    block = hours(cast.therapist, 0, "09:00", "12:00")
    http = signed_in(cast.therapist)
    page = http.get(_url("availability", cast.therapist)).content.decode()
    assert "data-confirm=" in page
    csrf_post(http, _url("hours_delete", cast.therapist), {"row": block.pk})
    assert not WeeklyHours.objects.exists()


def test_it_does_not_remove_another_therapists_block(cast) -> None:
    block = hours(cast.colleague, 0, "09:00", "12:00")
    response = csrf_post(
        signed_in(cast.therapist), _url("hours_delete", cast.therapist), {"row": block.pk}
    )
    assert response.status_code == 404
    assert WeeklyHours.objects.filter(pk=block.pk).exists()


def test_it_defaults_new_hours_to_the_therapists_zone(cast) -> None:
    cast.therapist.time_zone = "America/New_York"
    cast.therapist.save()
    page = signed_in(cast.therapist).get(_url("availability", cast.therapist)).content.decode()
    assert 'name="time_zone" value="America/New_York"' in page  # searchable box, filled in
    assert "No working hours yet" in page


@time_machine.travel(at(2026, 5, 1, 9), tick=False)
def test_it_adds_whole_days_of_time_off_in_the_therapists_zone(cast) -> None:
    cast.therapist.time_zone = "Europe/Berlin"
    cast.therapist.save()
    data = {"first_day": "2026-08-03", "last_day": "2026-08-07", "reason": "Holiday"}
    csrf_post(signed_in(cast.therapist), _url("time_off_add", cast.therapist), data)
    away = TimeOff.objects.get(therapist=cast.therapist)
    assert away.starts_at == at(2026, 8, 2, 22)  # midnight in Berlin (CEST)
    assert away.ends_at == at(2026, 8, 7, 22)
    page = signed_in(cast.therapist).get(_url("availability", cast.therapist)).content.decode()
    assert "Holiday" in page
    assert "Mon 3 Aug 2026 to Fri 7 Aug 2026" in page


@time_machine.travel(at(2026, 5, 1, 9), tick=False)
def test_it_refuses_time_off_ending_before_it_starts(cast) -> None:
    data = {"first_day": "2026-08-07", "last_day": "2026-08-03", "reason": ""}
    response = csrf_post(signed_in(cast.therapist), _url("time_off_add", cast.therapist), data)
    assert response.status_code == 200
    assert "The last day must be on or after the first day." in response.content.decode()
    assert not TimeOff.objects.exists()


@time_machine.travel(at(2026, 5, 1, 9), tick=False)
def test_it_warns_about_appointments_inside_new_time_off(cast) -> None:
    booked(cast.therapist, at(2026, 8, 4, 9), client=cast.client)
    data = {"first_day": "2026-08-03", "last_day": "2026-08-07", "reason": ""}
    http = signed_in(cast.intake)
    response = csrf_post(http, _url("time_off_add", cast.therapist), data)
    page = http.get(response.url)
    assert "1 booked appointment falls in this time off" in page.content.decode()


@time_machine.travel(at(2026, 5, 1, 9), tick=False)
def test_it_removes_time_off(cast) -> None:
    away = TimeOff.objects.create(
        therapist=cast.therapist, starts_at=at(2026, 8, 3), ends_at=at(2026, 8, 4)
    )
    csrf_post(signed_in(cast.therapist), _url("time_off_delete", cast.therapist), {"row": away.pk})
    assert not TimeOff.objects.exists()
    assert AuditEvent.objects.filter(action="scheduling.hours.updated").count() == 1


def test_it_sends_a_therapist_straight_to_their_own_hours(cast) -> None:
    response = signed_in(cast.therapist).get(reverse("scheduling:availability_index"))
    assert response.url == _url("availability", cast.therapist)
    listing = signed_in(cast.intake).get(reverse("scheduling:availability_index")).content
    assert b"Therapist Tester" in listing
    assert b"Colleague Tester" in listing
