"""The intake coordinator in the browser: queue → request → contact → consultation → client."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from rapport.intake.models import ConsultationRequest
from rapport.scheduling.models import Appointment, WeeklyHours
from tests.browser.harness import click, confirm, expect_path, navigate, sign_in
from tests.intake.queue_helpers import make_request, make_screened_request

pytestmark = pytest.mark.browser


def _every_day_office_hours(therapist: object, zone: str) -> None:
    # The browser runs on the real clock, so free time must exist whenever the test runs.
    for weekday in range(7):
        WeeklyHours.objects.create(
            therapist=therapist,
            weekday=weekday,
            starts=dt.time(0, 0),
            ends=dt.time(23, 0),
            time_zone=zone,
        )


def test_it_takes_an_urgent_request_from_the_queue_to_a_client_with_an_episode(
    page: Page, cast: SimpleNamespace
) -> None:
    make_request(cast.clinic, name="Older Ordinary", created_at=timezone.now())
    urgent = make_screened_request(
        cast.clinic, others=2, item9=1, name="Jordan Urgent", phone="0123 456"
    )
    ConsultationRequest.objects.filter(name="Older Ordinary").update(
        created_at=timezone.now() - dt.timedelta(days=2)
    )
    _every_day_office_hours(cast.colleague, cast.clinic.time_zone)

    sign_in(page, cast.intake)
    panel = page.get_by_role("region", name="New consultation requests")
    expect(panel).to_contain_text("1 urgent request: contact today")
    click(page, panel.get_by_role("link", name="Open the intake queue"))
    expect_path(page, "intake:queue")
    rows = page.get_by_role("table", name="Consultation requests, urgent first, then oldest first")
    expect(rows.get_by_role("row").nth(1)).to_contain_text("Jordan Urgent")
    expect(rows.get_by_role("row").nth(1)).to_contain_text("Urgent: same-day contact")
    expect(rows.get_by_role("row").nth(2)).to_contain_text("Older Ordinary")
    # Each request's arrival is on the coordinator's clock, with the zone named.
    older = ConsultationRequest.objects.get(name="Older Ordinary").created_at
    local = timezone.localtime(older, zoneinfo.ZoneInfo(cast.clinic.time_zone))
    expect(rows.get_by_role("row").nth(2).locator("time")).to_have_text(
        f"{local:%Y-%m-%d %H:%M} {local.tzname()}"
    )

    click(page, rows.get_by_role("link", name="Jordan Urgent"))
    expect_path(page, "intake:request", urgent.public_id)
    expect(page.get_by_text("Thoughts of self-harm reported: contact today")).to_be_visible()

    # The coordinator rings at once and reaches them.
    page.get_by_role("radio", name="Phone call").check()
    page.get_by_role("radio", name="Reached").check()
    page.get_by_label("Note (optional)").fill("Safe for now; consultation wanted this week.")
    click(page, page.get_by_role("button", name="Log attempt"))
    expect(page.get_by_text("Contact attempt recorded.")).to_be_visible()
    attempts = page.get_by_role("region", name="Contact attempts")
    expect(attempts).to_contain_text("Phone call · Reached")

    # Book the initial consultation in the colleague's first free slot.
    click(page, page.get_by_role("link", name="Book the initial consultation"))
    page.get_by_label("Therapist", exact=True).select_option(label=cast.colleague.get_full_name())
    grid = page.locator("#booking-grid")  # htmx swaps the grid for the chosen therapist
    expect(grid.get_by_role("heading", level=3)).to_have_text([cast.colleague.get_full_name()])
    first = grid.locator(".slot-button").first
    first.focus()
    navigate(page, lambda: page.keyboard.press("Enter"))  # keyboard, as a screen-reader user would
    expect_path(page, "intake:request", urgent.public_id)
    expect(page.get_by_text("Initial consultation booked with")).to_be_visible()
    appointment = Appointment.objects.get(request_id=urgent.public_id)
    start = timezone.localtime(appointment.starts_at, zoneinfo.ZoneInfo(cast.clinic.time_zone))
    booked = page.get_by_role("listitem").filter(has_text=cast.colleague.get_full_name())
    expect(booked.locator("time").last).to_contain_text(start.tzname())
    assert (appointment.therapist, appointment.kind) == (cast.colleague, "consultation")

    # Convert into a client and open the episode with the same therapist.
    click(page, page.get_by_role("link", name="Convert into a client"))
    expect(page.get_by_label("Given name")).to_have_value("Jordan")
    expect(page.get_by_label("Family name")).to_have_value("Urgent")
    page.get_by_label("Date of birth").fill("1988-07-14")
    page.get_by_label("Therapist", exact=True).select_option(label=cast.colleague.get_full_name())
    confirm(page, page.get_by_role("button", name="Create client and open episode"))
    urgent.refresh_from_db()
    assert urgent.client is not None
    assert urgent.status == ConsultationRequest.Status.ACCEPTED
    expect_path(page, "clients:detail", urgent.client.public_id)
    expect(page.get_by_role("heading", name="Jordan Urgent")).to_be_visible()
    assert urgent.client.episodes.get().therapist == cast.colleague
    appointment.refresh_from_db()
    assert appointment.client == urgent.client
