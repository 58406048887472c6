"""The booking service: free times are bookable once, and only once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from rapport.scheduling.booking import SlotTaken, free_slots
from rapport.scheduling.models import Appointment, SchedulingSettings, TimeOff
from tests.scheduling.helpers_k import at, booked, hours

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 6, 1)


@time_machine.travel(at(2026, 5, 1, 9), tick=False)
def test_it_books_a_free_slot(cast) -> None:
    appointment = booked(cast.therapist, at(2026, 6, 1, 9), client=cast.client)
    assert appointment.status == Appointment.Status.BOOKED
    assert appointment.clinic == cast.clinic
    assert appointment.held_until is None


@time_machine.travel(at(2026, 5, 1, 9), tick=False)
def test_it_refuses_an_overlapping_booking_with_a_clear_message(cast) -> None:
    booked(cast.therapist, at(2026, 6, 1, 9))
    with pytest.raises(SlotTaken) as error:
        booked(cast.therapist, at(2026, 6, 1, 9, 30))
    assert "already has an appointment at that time" in str(error.value)
    assert Appointment.objects.count() == 1


@time_machine.travel(at(2026, 5, 1, 9), tick=False)
def test_it_allows_back_to_back_and_other_therapists(cast) -> None:
    booked(cast.therapist, at(2026, 6, 1, 9), minutes=60)
    booked(cast.therapist, at(2026, 6, 1, 10))
    booked(cast.colleague, at(2026, 6, 1, 9))
    assert Appointment.objects.count() == 3


@time_machine.travel(at(2026, 5, 1, 9), tick=False)
def test_it_books_over_a_cancelled_appointment(cast) -> None:
    first = booked(cast.therapist, at(2026, 6, 1, 9))
    Appointment.objects.filter(pk=first.pk).update(status=Appointment.Status.CANCELLED)
    booked(cast.therapist, at(2026, 6, 1, 9))
    assert Appointment.objects.active().count() == 1


@time_machine.travel(at(2026, 5, 1, 9), tick=False)
def test_it_refuses_time_off(cast) -> None:
    TimeOff.objects.create(
        therapist=cast.therapist, starts_at=at(2026, 6, 1), ends_at=at(2026, 6, 8)
    )
    with pytest.raises(SlotTaken) as error:
        booked(cast.therapist, at(2026, 6, 3, 9))
    assert "is away at that time" in str(error.value)


def test_it_holds_a_slot_until_the_clinic_hold_lapses(cast) -> None:
    SchedulingSettings.objects.create(clinic=cast.clinic, hold_minutes=60)
    with time_machine.travel(at(2026, 5, 1, 9), tick=False):
        held = booked(cast.therapist, at(2026, 6, 1, 9), status=Appointment.Status.HELD)
        assert held.held_until == at(2026, 5, 1, 10)
        with pytest.raises(SlotTaken):
            booked(cast.therapist, at(2026, 6, 1, 9))
    # An expired hold no longer occupies the time: no job needed to free it.
    with time_machine.travel(at(2026, 5, 1, 10, 1), tick=False):
        booked(cast.therapist, at(2026, 6, 1, 9))
    assert Appointment.objects.count() == 2


def test_it_rejects_an_end_before_the_start(cast) -> None:
    with pytest.raises(ValueError, match="after"):
        booked(cast.therapist, at(2026, 6, 1, 9), minutes=0)


@time_machine.travel(at(2026, 5, 1, 9), tick=False)
def test_it_offers_slots_from_weekly_hours_with_buffers(cast) -> None:
    hours(cast.therapist, 0, "09:00", "12:00", session_minutes=50, buffer_minutes=10)
    slots = free_slots(cast.therapist, MONDAY, 7)
    assert [start for start, _end in slots] == [at(2026, 6, 1, h) for h in (9, 10, 11)]
    assert all(end - start == dt.timedelta(minutes=50) for start, end in slots)


@time_machine.travel(at(2026, 5, 1, 9), tick=False)
def test_it_leaves_out_booked_time_off_and_past_slots(cast) -> None:
    hours(cast.therapist, 0, "09:00", "12:00")
    hours(cast.therapist, 1, "09:00", "10:00")
    booked(cast.therapist, at(2026, 6, 1, 10, 30))  # overlaps 10:00 and 11:00
    TimeOff.objects.create(
        therapist=cast.therapist, starts_at=at(2026, 6, 2), ends_at=at(2026, 6, 3)
    )
    slots = free_slots(cast.therapist, MONDAY, 2)
    assert [start for start, _end in slots] == [at(2026, 6, 1, 9)]
    later = free_slots(cast.therapist, MONDAY, 1, now=at(2026, 6, 1, 9, 30))
    assert later == []


@time_machine.travel(at(2026, 5, 1, 9), tick=False)
def test_it_offers_no_slots_without_weekly_hours(cast) -> None:
    assert free_slots(cast.therapist, MONDAY, 14) == []
