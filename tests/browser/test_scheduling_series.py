"""The course in the browser: the therapist books it from the contract (a holiday skipped,
a clash left for manual placement), cancels a session late, and the reminder with its
.ics goes out exactly once when the worker job runs."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable
from types import SimpleNamespace

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Page, expect

from rapport.scheduling import reminders
from rapport.scheduling.booking import book
from rapport.scheduling.models import Appointment, Series
from rapport.scheduling.timeutil import local_to_utc
from tests.browser.harness import click, confirm, sign_in, visit
from tests.ipt.notes_helpers import contract
from tests.scheduling.helpers_l import away

pytestmark = pytest.mark.browser


def _first_session(zone: str) -> dt.datetime:
    """Five to six hours from now, on the hour: inside the 24-hour late window."""
    soon = (timezone.now() + dt.timedelta(hours=6)).astimezone(zoneinfo.ZoneInfo(zone))
    return soon.replace(minute=0, second=0, microsecond=0)


def _clash(cast: SimpleNamespace, starts: dt.datetime) -> None:
    book(
        clinic=cast.clinic,
        therapist=cast.therapist,
        client=cast.colleague_client,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=50),
        kind=Appointment.Kind.SESSION,
        by=cast.intake,
    )


def test_it_books_the_course_cancels_late_and_sends_one_reminder(
    new_page: Callable[[], Page], cast: SimpleNamespace
) -> None:
    zone = cast.clinic.time_zone
    first = _first_session(zone)
    contract(cast.episode, planned=12)
    holiday = first.date() + dt.timedelta(weeks=3)
    away(cast.therapist, holiday, zone)
    _clash(cast, local_to_utc(first.date() + dt.timedelta(weeks=6), first.time(), zone))

    page = new_page()
    sign_in(page, cast.therapist)
    visit(page, reverse("ipt:contract", args=[cast.episode.public_id]))
    click(page, page.get_by_role("link", name="Book the course"))
    page.get_by_label("First session").fill(first.date().isoformat())
    page.get_by_label("Start time").fill(first.strftime("%H:%M"))
    click(page, page.get_by_role("button", name="Book 12 sessions"))

    series = Series.objects.get(context_id=cast.episode.public_id)
    expect(page.get_by_text(f"{holiday.isoformat()} skipped")).to_be_visible()
    expect(page.get_by_role("heading", name="Needs manual placement")).to_be_visible()
    booked = list(series.appointments.order_by("starts_at"))
    assert len(booked) == 11
    assert holiday not in {a.starts_at.astimezone(zoneinfo.ZoneInfo(zone)).date() for a in booked}

    click(page, page.get_by_role("link", name=re.compile(r"^Open")).first)
    click(page, page.get_by_role("link", name="Cancel appointment"))
    expect(page.get_by_text("Late cancellation", exact=True)).to_be_visible()
    page.get_by_label("Only this appointment").check()
    confirm(page, page.get_by_role("button", name="Cancel appointment"))
    expect(page.get_by_text("Cancelled late")).to_be_visible()
    assert Appointment.objects.get(pk=booked[0].pk).status == Appointment.Status.LATE_CANCELLED

    second = booked[1]
    with time_machine.travel(second.starts_at - dt.timedelta(hours=47), tick=False):
        assert reminders.send_due_reminders("worker-1") == 1
        assert reminders.send_due_reminders("worker-2") == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Appointment reminder"
    [(_name, content, _mimetype)] = message.attachments
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == second.starts_at
    assert cast.client.family_name not in message.body + str(content)
