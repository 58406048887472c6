"""The one copy kill -9 can cause is the same message (docs/operations.md, "Crash safety").

A worker killed after the mail server took a message, before marking its row sent,
leaves the row pending with a claim that lapses; the next worker sends it again.
That copy must be recognisably the same e-mail (one Message-ID per row, on every
attempt), so mail clients show it once. tests/crash/test_kill_nine.py meets this
window with real SIGKILLs; here it is set up directly.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.core import mail

from rapport.core.models import OutboundEmail
from rapport.core.outbox import queue_email, send_due_emails
from rapport.scheduling import reminders
from rapport.scheduling.models import Reminder
from tests.scheduling.helpers_l import course, sessions

pytestmark = pytest.mark.django_db
TEMPLATE = "core/emails/two_factor_enabled"


def _killed_before_marking(model: type, **pending: object) -> None:
    """The row as a worker killed between handing over and marking sent leaves it, once
    its claim has lapsed."""
    model.objects.update(claimed_by="", claimed_until=None, **pending)


def _message_id(message: mail.EmailMessage) -> str:
    return message.message()["Message-ID"]  # as written on the wire


def test_an_outbox_email_sent_again_after_a_crash_keeps_its_message_id() -> None:
    row = queue_email(TEMPLATE, to="pat@example.com")
    queue_email(TEMPLATE, to="sam@example.com")
    assert send_due_emails("killed-worker") == 2
    OutboundEmail.objects.exclude(pk=row.pk).delete()
    _killed_before_marking(OutboundEmail, status=OutboundEmail.Status.PENDING)
    assert send_due_emails("next-worker") == 1

    first, other, again = mail.outbox
    assert again.to == first.to == ["pat@example.com"]
    assert _message_id(again) == _message_id(first)
    assert str(row.public_id) in _message_id(first)
    assert _message_id(other) != _message_id(first)


def test_a_reminder_sent_again_after_a_crash_keeps_its_message_id(cast: SimpleNamespace) -> None:
    now = dt.datetime(2026, 8, 20, 12, tzinfo=dt.UTC)
    with time_machine.travel(now, tick=False):
        first = sessions(course(cast, count=2))[0]
    with time_machine.travel(first.starts_at - dt.timedelta(hours=47), tick=False):
        assert reminders.send_due_reminders("killed-worker") == 1
        _killed_before_marking(Reminder, status=Reminder.Status.PENDING)
        Reminder.objects.filter(lead_minutes=120).update(status=Reminder.Status.CANCELLED)
        assert reminders.send_due_reminders("next-worker") == 1

    sent, again = mail.outbox
    assert again.to == sent.to == [cast.client.email]
    assert _message_id(again) == _message_id(sent)
    assert str(first.public_id) in _message_id(sent)
