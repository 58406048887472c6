"""Booking in the browser: the coordinator filters the week grid by therapist, pages weeks
(htmx), follows "next free" and books a time with the keyboard; the person's confirmation
e-mail carries a parseable .ics. A therapist booking a course across a clinic closure is
warned first and skips it."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Page, expect

from rapport.core.models import OutboundEmail
from rapport.core.outbox import send_due_emails
from rapport.scheduling.models import Appointment, ClosureDay, Series, WeeklyHours
from rapport.scheduling.timeutil import utc_to_local
from tests.browser.harness import audit, click, expect_path, navigate, sign_in, visit
from tests.intake.queue_helpers import make_request
from tests.ipt.notes_helpers import contract

pytestmark = pytest.mark.browser


def _every_day(therapist: object, zone: str) -> None:
    # The browser runs on the real clock, so free time must exist whenever the test runs.
    for weekday in range(7):
        WeeklyHours.objects.create(
            therapist=therapist,
            weekday=weekday,
            starts=dt.time(0),
            ends=dt.time(23),
            time_zone=zone,
        )


def test_it_books_from_the_grid_with_the_keyboard_and_sends_the_ics(
    page: Page, cast: SimpleNamespace
) -> None:
    zone = cast.clinic.time_zone
    _every_day(cast.colleague, zone)
    today = timezone.localdate()
    next_monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=1)
    ClosureDay.objects.create(clinic=cast.clinic, day=next_monday, name="Staff training")
    req = make_request(cast.clinic, name="Robin Private", email="robin@example.com")

    sign_in(page, cast.intake)
    visit(page, reverse("intake:book", args=[req.public_id]))
    grid = page.locator("#booking-grid")
    expect(grid).to_contain_text(f"Times in {zone}.")
    expect(grid).to_contain_text(f"{cast.therapist.get_full_name()} has no free time this week.")

    # The therapist filter swaps the grid in place (htmx) and keeps the URL.
    page.get_by_label("Therapist", exact=True).select_option(label=cast.colleague.get_full_name())
    expect(grid.get_by_role("heading", level=3)).to_have_text([cast.colleague.get_full_name()])
    expect(page).to_have_url(re.compile(f"therapist={cast.colleague.public_id}"))
    audit(page)

    # Next week, by keyboard: the closure day is named and offers no times.
    page.locator("#grid-next").focus()
    page.keyboard.press("Enter")
    expect(grid.get_by_role("heading", level=2)).to_contain_text(
        f"Week of {next_monday.day} {next_monday:%B}"
    )
    expect(page.locator("#grid-next")).to_be_focused()  # focus stays for the next press
    closed = grid.get_by_role("group", name=f"{next_monday:%a} {next_monday.day} {next_monday:%b}")
    expect(closed).to_contain_text("Closed: Staff training")
    expect(closed.get_by_role("button")).to_have_count(0)
    audit(page)

    # Back to everyone: the filter keeps the week shown.
    page.get_by_label("Therapist", exact=True).select_option(label="Any therapist")
    expect(grid.get_by_role("heading", level=3)).to_have_count(2)
    expect(grid.get_by_role("heading", level=2)).to_contain_text(
        f"Week of {next_monday.day} {next_monday:%B}"
    )

    # "Next free" jumps to the first free time; Enter on its button books it.
    shortcut = grid.get_by_role("link", name=re.compile("^Next free with any therapist"))
    click(page, shortcut)
    target = page.locator(".slot-button:target")
    expect(target).to_have_count(1)
    value = target.get_attribute("value")
    target.focus()
    navigate(page, lambda: page.keyboard.press("Enter"))
    expect_path(page, "intake:request", req.public_id)
    expect(page.get_by_text("Initial consultation booked with")).to_be_visible()
    expect(page.get_by_text("A confirmation e-mail with a calendar file")).to_be_visible()

    appointment = Appointment.objects.get(request_id=req.public_id)
    assert appointment.therapist == cast.colleague
    assert value is not None
    assert value.endswith(f"{appointment.starts_at.astimezone(dt.UTC):%Y%m%dT%H%MZ}")
    assert OutboundEmail.objects.get().subject == "Your appointment is booked"
    assert send_due_emails("browser-test") == 1
    (message,) = mail.outbox
    assert "Robin" not in message.subject + message.body
    (name, content, mimetype) = message.attachments[0]
    assert (name, mimetype) == ("appointment.ics", "text/calendar; method=PUBLISH")
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    assert event.decoded("DTSTART") == appointment.starts_at


def test_a_course_across_a_closure_warns_and_skips_it(page: Page, cast: SimpleNamespace) -> None:
    zone = cast.clinic.time_zone
    contract(cast.episode, planned=4)
    first = timezone.localdate() + dt.timedelta(days=7)
    closed = first + dt.timedelta(weeks=2)
    ClosureDay.objects.create(clinic=cast.clinic, day=closed, name="Public holiday")

    sign_in(page, cast.therapist)
    visit(page, reverse("ipt:book_series", args=[cast.episode.public_id]))
    page.get_by_label("First session").fill(first.isoformat())
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Time zone").fill(zone)  # a searchable text box with suggestions
    click(page, page.get_by_role("button", name="Book 4 sessions"))

    warning = page.get_by_role("alert").filter(has_text="The clinic is closed")
    expect(warning).to_contain_text(f"{closed:%A} {closed.day} {closed:%B %Y}: Public holiday")
    skip = page.get_by_role("radio", name=re.compile("^Skip the closed days"))
    expect(skip).to_be_checked()
    assert not Series.objects.exists()
    skip.focus()
    page.keyboard.press("Space")
    click(page, page.get_by_role("button", name="Book 4 sessions"))

    series = Series.objects.get()
    expect_path(page, "scheduling:series", series.public_id)
    expect(page.get_by_text(f"{closed.isoformat()} skipped: the clinic is closed.")).to_be_visible()
    days = [utc_to_local(a.starts_at, zone).date() for a in series.appointments.all()]
    assert len(days) == 4
    assert closed not in days
    assert max(days) == first + dt.timedelta(weeks=4)
