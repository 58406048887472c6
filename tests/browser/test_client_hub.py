"""The client record as a hub, in the browser: intake books a consultation, converts the
request and finds the consultation on the record's Appointments tab; a therapist reads
the header (phase, session x of y, next appointment, scores) on every tab and moves
between the tabs with the keyboard. axe checks each page."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from rapport.scheduling.models import Appointment, WeeklyHours
from tests.browser.harness import click, confirm, expect_path, navigate, sign_in, visit
from tests.intake.queue_helpers import make_request
from tests.ipt.notes_helpers import contract, held_sessions
from tests.measures.alerts_helpers import submit_phq9

pytestmark = pytest.mark.browser


def test_intake_finds_the_consultation_it_booked_on_the_appointments_tab(
    page: Page, cast: SimpleNamespace
) -> None:
    zone = cast.clinic.time_zone
    for weekday in range(7):  # the browser runs on the real clock: free time every day
        WeeklyHours.objects.create(
            therapist=cast.colleague,
            weekday=weekday,
            starts=dt.time(0),
            ends=dt.time(23),
            time_zone=zone,
        )
    req = make_request(cast.clinic, name="Sam Booked")

    sign_in(page, cast.intake)
    visit(page, reverse("intake:book", args=[req.public_id]))
    page.get_by_label("Therapist", exact=True).select_option(label=cast.colleague.get_full_name())
    grid = page.locator("#booking-grid")
    expect(grid.get_by_role("heading", level=3)).to_have_text([cast.colleague.get_full_name()])
    grid.locator(".slot-button").first.focus()
    navigate(page, lambda: page.keyboard.press("Enter"))
    expect(page.get_by_text("Initial consultation booked with")).to_be_visible()
    booked = Appointment.objects.get(request_id=req.public_id)

    click(page, page.get_by_role("link", name="Convert into a client"))
    page.get_by_label("Date of birth").fill("1988-07-14")
    page.get_by_label("Therapist", exact=True).select_option(label=cast.colleague.get_full_name())
    confirm(page, page.get_by_role("button", name="Create client and open episode"))
    req.refresh_from_db()
    expect_path(page, "clients:detail", req.client.public_id)

    # The header names the consultation as the next appointment, in the reader's zone.
    summary = page.get_by_role("region", name="Client summary")
    local = timezone.localtime(booked.starts_at, timezone=cast.clinic.zone)
    when = f"{local:%a} {local.day} {local:%b %Y}, {local:%H:%M} {local.tzname()}"
    expect(summary).to_contain_text(when)  # the zone named
    expect(summary).to_contain_text("Initial consultation")
    expect(summary).not_to_contain_text("Latest scores")
    tabs = page.get_by_role("navigation", name="Client record")
    expect(tabs.get_by_role("link")).to_have_text(["Details", "Appointments"])

    click(page, tabs.get_by_role("link", name="Appointments"))
    expect_path(page, "scheduling:client_appointments", req.client.public_id)
    upcoming = page.get_by_role("region", name=re.compile("^Upcoming"))
    expect(upcoming.get_by_role("row")).to_have_count(2)  # the header row and the consultation
    expect(upcoming).to_contain_text("Initial consultation")
    expect(upcoming).to_contain_text("Booked")


def test_a_therapist_reads_the_header_and_moves_through_the_tabs_by_keyboard(
    page: Page, cast: SimpleNamespace
) -> None:
    contract(cast.episode, planned=12)
    held_sessions(cast.episode, 5, start=2)  # sessions 1-5 held: session 6 is next
    response = submit_phq9(cast.client, 0, others=1)
    soon = timezone.now() + dt.timedelta(days=2)
    Appointment.objects.create(
        clinic=cast.clinic,
        client=cast.client,
        therapist=cast.therapist,
        starts_at=soon,
        ends_at=soon + dt.timedelta(minutes=50),
    )

    sign_in(page, cast.therapist)
    visit(page, reverse("clients:detail", args=[cast.client.public_id]))
    summary = page.get_by_role("region", name="Client summary")
    expect(summary).to_contain_text("Middle")
    expect(summary).to_contain_text("session 6 of 12")
    local = timezone.localtime(soon, timezone=cast.clinic.zone)
    expect(summary).to_contain_text(f"{local:%H:%M} {local.tzname()}")  # the zone named
    expect(summary).to_contain_text(f"PHQ-9 {response.total} ({response.band})")
    expect(summary).to_contain_text("None open")

    # Tab from one tab link to the next, Enter follows it; the header stays.
    tabs = page.get_by_role("navigation", name="Client record")
    tabs.get_by_role("link", name="Details").focus()
    page.keyboard.press("Tab")
    expect(tabs.get_by_role("link", name="Appointments")).to_be_focused()
    navigate(page, lambda: page.keyboard.press("Enter"))
    expect_path(page, "scheduling:client_appointments", cast.client.public_id)
    expect(page.get_by_role("region", name="Client summary")).to_contain_text("session 6 of 12")
    expect(tabs.get_by_role("link", name="Appointments")).to_have_attribute("aria-current", "page")
    tabs.get_by_role("link", name="Appointments").focus()
    page.keyboard.press("Tab")
    expect(tabs.get_by_role("link", name="Clinical")).to_be_focused()
    navigate(page, lambda: page.keyboard.press("Enter"))
    expect_path(page, "clients:clinical", cast.client.public_id)
    expect(page.get_by_role("region", name="Client summary")).to_contain_text("session 6 of 12")
