"""A consultation booked for a request (no client yet) is reminded to the request's e-mail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import time_machine
from django.core import mail

from rapport.intake.models import ConsultationRequest
from rapport.scheduling import booking
from rapport.scheduling.models import Appointment, Reminder
from rapport.scheduling.reminders import send_due_reminders

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_it_reminds_the_person_who_asked_for_the_consultation(cast: SimpleNamespace) -> None:
    request = ConsultationRequest.objects.create(
        clinic=cast.clinic,
        name="Robin Asker",
        email="robin.asker@example.com",
        preferred_channel="email",
        age_group="adult",
        concern="Low mood",
        consent_to_contact=True,
    )
    starts = NOW + timedelta(days=3)
    with time_machine.travel(NOW, tick=False) as clock:
        appointment = booking.book(
            clinic=cast.clinic,
            therapist=cast.therapist,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=50),
            kind=Appointment.Kind.CONSULTATION,
            request_id=request.public_id,
            by=cast.intake,
        )
        assert Reminder.objects.filter(appointment=appointment).count() == 2  # 48 h and 2 h
        clock.move_to(starts - timedelta(hours=47))
        send_due_reminders("w1")
        send_due_reminders("w2")  # a second worker finds nothing left
    assert [m.to for m in mail.outbox] == [["robin.asker@example.com"]]
    assert "Robin" not in mail.outbox[0].subject + mail.outbox[0].body
