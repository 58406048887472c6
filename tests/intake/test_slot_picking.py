"""Picking an initial-consultation time on the public form, held until the coordinator confirms."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse

from rapport.core.models import AuditEvent
from rapport.intake.models import ConsultationRequest
from rapport.measures.models import Response, SafetyAlert
from rapport.scheduling import booking
from rapport.scheduling.models import Appointment, BookingConfirmation, SchedulingSettings
from tests.factories import csrf_post, signed_in
from tests.intake.public_helpers import details, screen
from tests.intake.queue_helpers import NOW, ZONE, make_request, tuesday_morning

URL = reverse("intake:consultation")
LEGEND = "Pick a time for your first conversation (optional)"
TAKEN = "That time was just taken — choose another or leave it for us to arrange"
# Tuesday 6 October 2026, 09:00 London (BST) = 08:00 UTC: the first free slot.
FIRST_SLOT = dt.datetime(2026, 10, 6, 8, 0, tzinfo=dt.UTC)
S = ConsultationRequest.Status


def picking_on(cast: SimpleNamespace) -> None:
    cast.clinic.time_zone = ZONE
    cast.clinic.save()
    SchedulingSettings.objects.create(clinic=cast.clinic, public_slot_picking=True)
    tuesday_morning(cast.therapist)


def slot(cast: SimpleNamespace, start: dt.datetime = FIRST_SLOT) -> str:
    return f"{start:%Y%m%dT%H%MZ}-{cast.therapist.public_id}"


def submit(data: dict) -> object:
    return csrf_post(HttpClient(enforce_csrf_checks=True), URL, data)


def test_no_times_are_offered_when_the_setting_is_off(cast: SimpleNamespace) -> None:
    tuesday_morning(cast.therapist)
    with time_machine.travel(NOW, tick=False):
        body = HttpClient().get(URL).content.decode()
    assert LEGEND not in body
    assert 'name="slot"' not in body


def test_free_times_are_offered_by_day_with_initials_only(cast: SimpleNamespace) -> None:
    picking_on(cast)
    make_request(cast.clinic, name="Secret Client")
    with time_machine.travel(NOW, tick=False):
        body = HttpClient().get(URL).content.decode()
    assert f"<legend>{LEGEND}</legend>" in body
    assert "<legend>Tuesday 6 October 2026</legend>" in body
    assert "<legend>Tuesday 13 October 2026</legend>" in body
    assert body.count('type="radio" name="slot" id="slot-2026') == 6
    initials = f"{cast.therapist.first_name[0]}.{cast.therapist.last_name[0]}."
    assert f"09:00–09:50 BST, with {initials}" in body  # the clinic's zone, named
    assert cast.therapist.last_name not in body
    assert "Secret Client" not in body


def test_picking_a_time_holds_it_for_the_request(cast: SimpleNamespace) -> None:
    picking_on(cast)
    with time_machine.travel(NOW, tick=False):
        response = submit(details(slot=slot(cast)))
    assert "Thank you: we received your request" in response.content.decode()
    made = ConsultationRequest.objects.get()
    held = Appointment.objects.get()
    assert made.held_slot_id == held.public_id
    assert (held.status, held.kind, held.request_id) == ("held", "consultation", made.public_id)
    assert (held.therapist, held.starts_at) == (cast.therapist, FIRST_SLOT)
    assert held.held_until == NOW + dt.timedelta(minutes=48 * 60)


def test_a_time_taken_meanwhile_keeps_the_input_and_stores_nothing(
    cast: SimpleNamespace,
) -> None:
    picking_on(cast)
    with time_machine.travel(NOW, tick=False):
        booking.book(
            clinic=cast.clinic,
            therapist=cast.therapist,
            starts_at=FIRST_SLOT,
            ends_at=FIRST_SLOT + dt.timedelta(minutes=50),
            kind=Appointment.Kind.SESSION,
            client=cast.client,
            by=cast.therapist,
        )
        response = submit(details(slot=slot(cast), preferred_times="Only Tuesdays"))
    body = response.content.decode()
    assert response.status_code == 200
    assert TAKEN in body
    assert "Only Tuesdays" in body
    assert not ConsultationRequest.objects.exists()
    assert Appointment.objects.count() == 1


def test_a_time_taken_while_booking_stores_nothing(
    cast: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other booking lands between the form's check and the hold."""
    picking_on(cast)
    real_book = booking.book

    def racing_book(**kwargs: object) -> Appointment:
        real_book(**{**kwargs, "request_id": None, "status": "booked"})
        return real_book(**kwargs)

    monkeypatch.setattr(booking, "book", racing_book)
    with time_machine.travel(NOW, tick=False):
        response = submit(details(slot=slot(cast)) | screen(item9=2, others=1))
    assert TAKEN in response.content.decode()
    assert not ConsultationRequest.objects.exists()
    assert not AuditEvent.objects.filter(action="intake.request.submitted").exists()
    # The self-screen and its alert were stored in the same transaction: gone with it.
    assert not Response.objects.exists()
    assert not SafetyAlert.objects.exists()


def _picked(cast: SimpleNamespace) -> ConsultationRequest:
    picking_on(cast)
    with time_machine.travel(NOW, tick=False):
        submit(details(slot=slot(cast)))
    return ConsultationRequest.objects.get()


def test_the_coordinator_confirms_the_held_time(cast: SimpleNamespace) -> None:
    req = _picked(cast)
    http = signed_in(cast.intake)
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        body = http.get(reverse("intake:request", args=[req.public_id])).content.decode()
        assert "Held until" in body
        assert "Confirm this time" in body
        response = csrf_post(http, reverse("intake:confirm_slot", args=[req.public_id]))
    assert response.status_code == 302
    held = Appointment.objects.get()
    assert (held.status, held.held_until) == ("booked", None)
    req.refresh_from_db()
    assert req.status == S.CONSULTATION_BOOKED
    assert AuditEvent.objects.filter(action="intake.request.slot_confirmed").exists()
    assert held.reminders.count() >= 1  # the booking brings its reminders; the hold had none
    confirmation = BookingConfirmation.objects.get(appointment=held)  # with the .ics
    assert confirmation.email.subject == "Your appointment is booked"


def test_an_expired_hold_is_not_confirmed(cast: SimpleNamespace) -> None:
    req = _picked(cast)
    http = signed_in(cast.intake)
    with time_machine.travel(NOW + dt.timedelta(days=3), tick=False):
        body = http.get(reverse("intake:request", args=[req.public_id])).content.decode()
        assert "The hold expired" in body
        assert "Confirm this time" not in body
        response = csrf_post(http, reverse("intake:confirm_slot", args=[req.public_id]))
        assert "has expired" in http.get(response.url).content.decode()
    assert Appointment.objects.get().status == "held"
    req.refresh_from_db()
    assert req.status == S.NEW
