"""Availability and calendars in the browser: a therapist sets hours and a holiday and
sees their week; a coordinator moves through the clinic day with the keyboard."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from rapport.scheduling.models import Appointment, TimeOff, WeeklyHours
from rapport.scheduling.timeutil import local_to_utc
from tests.browser.harness import click, expect_path, navigate, sign_in, visit
from tests.scheduling.helpers_k import booked

pytestmark = pytest.mark.browser


def _next_week(weekday: int, zone: str) -> dt.date:
    today = dt.datetime.now(dt.UTC).astimezone(zoneinfo.ZoneInfo(zone)).date()
    monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=7)
    return monday + dt.timedelta(days=weekday)


def test_it_lets_a_therapist_set_hours_and_a_holiday_then_see_their_week(
    page: Page, cast: SimpleNamespace
) -> None:
    zone = cast.clinic.time_zone
    sign_in(page, cast.therapist)
    visit(page, reverse("scheduling:availability_index"))
    expect_path(page, "scheduling:availability", cast.therapist.public_id)
    expect(page.get_by_text("No working hours yet")).to_be_visible()

    # A mistake first: nothing is saved and the input stays.
    page.get_by_label("Day", exact=True).select_option(label="Wednesday")
    page.get_by_label("From").fill("13:00")
    page.get_by_label("Until").fill("12:00")
    click(page, page.get_by_role("button", name="Add hours"))
    expect(page.get_by_role("alert")).to_contain_text("The end time must be after the start time.")
    expect(page.get_by_label("From")).to_have_value("13:00")
    assert not WeeklyHours.objects.exists()

    page.get_by_label("From").fill("09:00")
    click(page, page.get_by_role("button", name="Add hours"))
    expect(page.get_by_role("row", name="Wednesday")).to_contain_text("09:00–12:00")

    holiday = _next_week(4, zone)  # next Friday
    page.get_by_label("First day away").fill(holiday.isoformat())
    page.get_by_label("Last day away").fill(holiday.isoformat())
    page.get_by_label("Reason").fill("Holiday")
    click(page, page.get_by_role("button", name="Add time off"))
    expect(page.get_by_text("Time off added.")).to_be_visible()
    assert TimeOff.objects.filter(therapist=cast.therapist).count() == 1

    wednesday = _next_week(2, zone)
    booked(cast.therapist, local_to_utc(wednesday, dt.time(10), zone), client=cast.client)
    click(page, page.get_by_role("link", name="Week calendar"))
    expect(page.get_by_role("heading", name="My week")).to_be_visible()
    click(page, page.get_by_role("link", name="Next week"))
    calendar = page.get_by_role("table")
    expect(calendar).to_contain_text(cast.client.display_name)
    expect(calendar.get_by_role("row", name="10:00")).to_contain_text("10:00–10:50")
    expect(page.get_by_text(f"Times in {zone}.")).to_be_visible()
    assert Appointment.objects.count() == 1


def test_it_lets_a_coordinator_move_through_the_clinic_day_with_the_keyboard(
    page: Page, cast: SimpleNamespace
) -> None:
    sign_in(page, cast.intake)
    day = dt.date(2030, 6, 3)
    booked(
        cast.colleague,
        local_to_utc(day, dt.time(9), cast.clinic.time_zone),
        client=cast.colleague_client,
    )
    visit(page, reverse("scheduling:calendar_clinic") + f"?date={day.isoformat()}")
    expect(page.get_by_role("heading", name="Monday 3 June 2030")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Colleague Tester")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text(cast.colleague_client.display_name)

    page.get_by_role("link", name="Today").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Next day")).to_be_focused()
    navigate(page, lambda: page.keyboard.press("Enter"))
    expect(page.get_by_role("heading", name="Tuesday 4 June 2030")).to_be_visible()


def test_it_links_the_week_to_each_appointment_and_to_the_calendar_feeds(
    page: Page, cast: SimpleNamespace
) -> None:
    zone = cast.clinic.time_zone
    appointment = booked(
        cast.therapist, local_to_utc(_next_week(1, zone), dt.time(11), zone), client=cast.client
    )
    sign_in(page, cast.therapist)
    click(page, page.get_by_role("link", name="Calendar", exact=True))
    click(page, page.get_by_role("link", name="Next week"))
    # The appointment's own page (reschedule, cancel, attendance, video link) is one click away.
    click(page, page.get_by_role("link", name="11:00–11:50 appointment"))
    expect_path(page, "scheduling:appointment", appointment.public_id)
    expect(page.get_by_role("link", name="Reschedule")).to_be_visible()
    expect(page.get_by_role("link", name="Cancel appointment")).to_be_visible()
    click(page, page.get_by_role("link", name="Calendar", exact=True))
    click(page, page.get_by_role("main").get_by_role("link", name="Calendar feeds"))
    expect_path(page, "scheduling:feeds")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # ...and from every page, beside the account's name.
    click(page, page.get_by_role("link", name="Clients", exact=True))
    click(page, page.get_by_role("banner").get_by_role("link", name="Calendar feeds"))
    expect_path(page, "scheduling:feeds")
