"""Reminder e-mails: lead times, sent once by the worker with an .ics, never for a
cancelled or moved appointment, no clinical content; the signed reply link."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from rapport.core.models import AuditEvent, OutboundEmail
from rapport.scheduling import changes, reminders
from rapport.scheduling.models import Appointment, Reminder
from tests.scheduling.helpers_l import ZONE, course, sessions

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 8, 20, 12, tzinfo=dt.UTC)


def _first(cast) -> Appointment:
    with time_machine.travel(NOW, tick=False):
        return sessions(course(cast, count=2))[0]


def _ics(message) -> Calendar:
    [(name, content, mimetype)] = message.attachments
    assert name.endswith(".ics")
    assert mimetype == "text/calendar; method=PUBLISH"
    return Calendar.from_ical(content)


def test_it_schedules_reminders_at_the_clinic_lead_times_skipping_past_ones(cast) -> None:
    first = _first(cast)
    leads = sorted(first.reminders.values_list("lead_minutes", flat=True))
    assert leads == [120, 2880]
    with time_machine.travel(first.starts_at - dt.timedelta(hours=5), tick=False):
        moved = changes.move(
            first, day=first.starts_at.date(), at=dt.time(23), zone="UTC", by=cast.therapist
        )[0]
    assert list(moved.reminders.values_list("lead_minutes", flat=True)) == [120]


def test_it_sends_a_due_reminder_exactly_once_with_a_valid_ics(cast) -> None:
    first = _first(cast)
    with time_machine.travel(first.starts_at - dt.timedelta(hours=47), tick=False):
        assert reminders.send_due_reminders("worker-a") == 1
        assert reminders.send_due_reminders("worker-b") == 0
        assert reminders.send_due_reminders("worker-a") == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cast.client.email]
    assert message.subject == "Appointment reminder"
    event = _ics(message).walk("VEVENT")[0]
    assert event.decoded("dtstart") == first.starts_at
    assert str(event["uid"]).startswith(str(first.public_id))
    assert Reminder.objects.get(appointment=first, lead_minutes=2880).status == "sent"


def test_it_says_nothing_clinical_and_names_nobody(cast) -> None:
    first = _first(cast)
    with time_machine.travel(first.starts_at - dt.timedelta(hours=47), tick=False):
        reminders.send_due_reminders("worker")
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    ics_text = str(_ics(message).to_ical(), "utf-8")
    for text in (message.subject, message.body, html, ics_text):
        for secret in (cast.client.given_name, cast.client.family_name, "IPT", "depress"):
            assert secret not in text
    assert "T.T." in message.body  # the therapist's initials
    assert "10:00" in message.body  # clinic zone wall-clock time (New York clinic default)
    # Initials end with a full stop: the sentence must not add a second one ("A.R..").
    assert ".." not in message.body
    assert ".." not in html


def test_its_calendar_file_is_marked_to_be_added(cast) -> None:
    first = _first(cast)
    with time_machine.travel(first.starts_at - dt.timedelta(hours=47), tick=False):
        reminders.send_due_reminders("worker")
    calendar = _ics(mail.outbox[0])
    assert str(calendar["method"]) == "PUBLISH"
    [part] = [p for p in mail.outbox[0].message().walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "PUBLISH"


def test_it_never_sends_for_a_cancelled_appointment(cast) -> None:
    first = _first(cast)
    with time_machine.travel(NOW, tick=False):
        changes.cancel(first, by=cast.therapist)
    # Even a reminder left pending by a race is dropped at send time.
    Reminder.objects.filter(appointment=first).update(status="pending")
    with time_machine.travel(first.starts_at - dt.timedelta(hours=1), tick=False):
        reminders.send_due_reminders("worker")
    assert mail.outbox == []
    assert set(first.reminders.values_list("status", flat=True)) == {"cancelled"}


def test_it_sends_the_moved_appointments_own_reminder_not_the_old_one(cast) -> None:
    first = _first(cast)
    with time_machine.travel(NOW, tick=False):
        [moved] = changes.move(
            first,
            day=first.starts_at.date() + dt.timedelta(days=1),
            at=dt.time(11),
            zone=ZONE,
            by=cast.therapist,
        )
    with time_machine.travel(moved.starts_at - dt.timedelta(minutes=30), tick=False):
        reminders.send_due_reminders("worker")
    uids = [str(_ics(message).walk("VEVENT")[0]["uid"]) for message in mail.outbox]
    # 48 h and 2 h of the moved one fall due; the original's never do.
    assert len(uids) == 2
    assert all(uid.startswith(str(moved.public_id)) for uid in uids)


def test_it_retries_a_failed_send_later_without_marking_it_sent(cast, settings) -> None:
    first = _first(cast)
    settings.EMAIL_BACKEND = "tests.scheduling.test_reminders.FailingBackend"
    when = first.starts_at - dt.timedelta(hours=47)
    with time_machine.travel(when, tick=False):
        reminders.send_due_reminders("worker")
    row = Reminder.objects.get(appointment=first, lead_minutes=2880)
    assert row.status == "pending"
    assert row.claimed_by == ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(when + dt.timedelta(minutes=6), tick=False):
        assert reminders.send_due_reminders("worker") == 1
    assert len(mail.outbox) == 1


class FailingBackend:
    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages) -> int:
        raise OSError("SMTP down")


def test_it_records_the_clients_confirmation_from_the_signed_link(cast, client) -> None:
    first = _first(cast)
    token = reminders.reply_token(first)
    url = reverse("scheduling:reminder_reply", args=[token])
    with time_machine.travel(NOW):
        assert client.get(url).status_code == 200
        response = client.post(url, {"answer": "confirm"})
        assert b"confirmed" in response.content
        client.post(url, {"answer": "reschedule"})
        client.post(url, {"answer": "reschedule"})
    events = AuditEvent.objects.filter(object_id=str(first.public_id))
    assert events.filter(action="scheduling.appointment.confirmed", actor=None).count() == 1
    assert events.filter(action="scheduling.appointment.reschedule_requested").count() == 2
    # The therapist and intake, who answer portal requests too, each hear once, nameless.
    told = sorted(e.recipient for e in OutboundEmail.objects.all())
    assert told == sorted([cast.therapist.email, cast.intake.email])
    for note in OutboundEmail.objects.all():
        assert cast.client.family_name not in note.subject + note.text_body
        assert str(first.public_id) in note.text_body


def test_it_refuses_a_forged_or_stale_reply_link(cast, client) -> None:
    first = _first(cast)
    forged = reverse("scheduling:reminder_reply", args=["forged"])
    assert client.get(forged).status_code == 404
    with time_machine.travel(NOW, tick=False):
        changes.cancel(first, by=cast.therapist)
    url = reverse("scheduling:reminder_reply", args=[reminders.reply_token(first)])
    assert client.post(url, {"answer": "confirm"}).status_code == 404
    assert not AuditEvent.objects.filter(action="scheduling.appointment.confirmed").exists()


def test_it_comes_from_the_clinic_and_lists_its_own_crisis_lines(cast, settings) -> None:
    settings.DEFAULT_FROM_EMAIL = "Rapport <appointments@example.org>"
    cast.clinic.crisis_resources = [{"label": "Riverside crisis team & GP", "contact": "0800 111"}]
    cast.clinic.save()
    first = _first(cast)
    with time_machine.travel(first.starts_at - dt.timedelta(hours=47), tick=False):
        reminders.send_due_reminders("worker")
    message = mail.outbox[0]
    assert message.from_email == f"{cast.clinic.name} <appointments@example.org>"
    assert "- Riverside crisis team & GP 0800 111" in message.body
    assert '<a href="tel:0800 111">0800 111</a>' in message.alternatives[0][0]
    assert "emergency number" not in message.body
