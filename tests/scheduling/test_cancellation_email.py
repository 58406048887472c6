"""The cancellation e-mail: the client is told, names nobody, and its calendar file
(METHOD:CANCEL, same UID, higher SEQUENCE) removes the event they were sent before."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from rapport.core.outbox import send_due_emails
from rapport.scheduling import ics, reminders
from rapport.scheduling.models import Appointment
from tests.factories import csrf_post, signed_in
from tests.scheduling.helpers_l import course, sessions

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 8, 20, 12, tzinfo=dt.UTC)


def _calendar_part(message):
    [part] = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    return part


def _cancel(cast, appointment: Appointment, scope: str = "one"):
    url = reverse("scheduling:appointment_cancel", args=[appointment.public_id])
    with time_machine.travel(NOW, tick=False):
        response = csrf_post(signed_in(cast.therapist), url, {"scope": scope, "reason": ""})
        mail.outbox.clear()
        send_due_emails("worker")
    assert response.status_code == 302
    return [m for m in mail.outbox if m.to == [cast.client.email]]


def test_it_tells_the_client_with_a_file_that_removes_the_event_they_were_sent(cast) -> None:
    with time_machine.travel(NOW, tick=False):
        booked = sessions(course(cast, count=3))
    sent_before = Calendar.from_ical(ics.appointment_ics(booked[1])).walk("VEVENT")[0]
    [message] = _cancel(cast, booked[1])
    part = _calendar_part(message)
    assert part.get_param("method") == "CANCEL"
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    assert str(calendar["method"]) == "CANCEL"
    [event] = calendar.walk("VEVENT")
    assert str(event["uid"]) == str(sent_before["uid"])
    assert int(event["sequence"]) > int(sent_before["sequence"])
    assert str(event["status"]) == "CANCELLED"
    assert message.subject == "Your appointment is cancelled"
    for secret in (cast.client.given_name, cast.client.family_name, "IPT"):
        assert secret not in message.subject
        assert secret not in message.body
    assert "T.T." in message.body
    assert cast.clinic.time_zone in message.body


def test_it_sends_one_email_for_this_and_all_following(cast) -> None:
    with time_machine.travel(NOW, tick=False):
        booked = sessions(course(cast, count=4))
    [message] = _cancel(cast, booked[1], scope="following")
    calendar = Calendar.from_ical(_calendar_part(message).get_payload(decode=True))
    uids = {str(event["uid"]).split("@")[0] for event in calendar.walk("VEVENT")}
    assert uids == {str(a.public_id) for a in booked[1:]}
    assert "Your 3 appointments" in message.body


def test_a_reminder_is_not_mistaken_for_a_cancellation(cast) -> None:
    with time_machine.travel(NOW, tick=False):
        first = sessions(course(cast, count=1))[0]
    with time_machine.travel(first.starts_at - dt.timedelta(hours=47), tick=False):
        reminders.send_due_reminders("worker")
    assert _calendar_part(mail.outbox[0]).get_param("method") == "PUBLISH"
