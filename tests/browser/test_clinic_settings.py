"""The clinic admin changes settings on one page: each group says what it does now."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

from rapport.scheduling.models import ClosureDay, SchedulingSettings
from tests.browser.harness import click, confirm, expect_path, sign_in

pytestmark = pytest.mark.browser


def open_settings(page: Page, cast: SimpleNamespace) -> None:
    sign_in(page, cast.admin)
    click(page, page.get_by_role("link", name="Clinic settings"))
    expect_path(page, "core:clinic_settings")


def test_it_changes_reminders_and_says_what_they_now_do(page: Page, cast: SimpleNamespace) -> None:
    open_settings(page, cast)
    group = page.get_by_role("region", name="Scheduling and reminders")
    expect(group).to_contain_text(
        "Clients get reminders 48 hours and 2 hours before each appointment."
    )
    # A mistake is explained, focused for screen readers, and changes nothing.
    group.get_by_label("Send reminders this long before each appointment").fill("soon")
    click(page, group.get_by_role("button", name="Save Scheduling and reminders"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("“soon” is not a time")
    expect(summary).to_be_focused()
    assert not SchedulingSettings.objects.filter(clinic=cast.clinic).exists()

    group = page.get_by_role("region", name="Scheduling and reminders")
    group.get_by_label("Send reminders this long before each appointment").fill("24 h, 30 min")
    group.get_by_label("A cancellation is late when made less than this many hours before").fill(
        "12"
    )
    click(page, group.get_by_role("button", name="Save Scheduling and reminders"))
    expect(page.get_by_text("Scheduling and reminders: Saved.")).to_be_visible()
    group = page.get_by_role("region", name="Scheduling and reminders")
    expect(group).to_contain_text(
        "Clients get reminders 24 hours and 30 minutes before each appointment."
    )
    expect(group).to_contain_text("less than 12 hours before the appointment is recorded as late")


def test_it_switches_the_hrsd_band_convention(page: Page, cast: SimpleNamespace) -> None:
    open_settings(page, cast)
    group = page.get_by_role("region", name="Outcome bands")
    expect(group).to_contain_text("17–23 moderate; 24–52 severe")
    group.get_by_label("CamCOPS (none, mild, moderate, severe, very severe)").check()
    click(page, group.get_by_role("button", name="Save Outcome bands"))
    expect(page.get_by_role("region", name="Outcome bands")).to_contain_text(
        "19–22 severe; 23–52 very severe"
    )


def test_it_adds_and_removes_a_closure_day(page: Page, cast: SimpleNamespace) -> None:
    open_settings(page, cast)
    group = page.get_by_role("region", name="Closure days")
    expect(group).to_contain_text("No closure days yet.")
    # A date far outside any calendar is refused with the shared message.
    group.get_by_label("Date").fill("2101-01-01")
    group.get_by_label("Name").fill("Far away")
    click(page, group.get_by_role("button", name="Add closure day"))
    expect(page.get_by_role("alert")).to_contain_text("Enter a date between 1900 and 2100.")

    group = page.get_by_role("region", name="Closure days")
    group.get_by_label("Date").fill("2099-12-25")
    group.get_by_label("Name").fill("Christmas Day")
    click(page, group.get_by_role("button", name="Add closure day"))
    group = page.get_by_role("region", name="Closure days")
    table = group.get_by_role("table", name="Closure days, upcoming first")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("Christmas Day")
    expect(group).to_contain_text("(Christmas Day)")

    confirm(
        page,
        table.get_by_role("button", name="Remove Christmas Day, 25 December 2099"),
        "Remove the closure day Christmas Day on 25 December 2099?",
    )
    expect(page.get_by_text("Closure days: Christmas Day on")).to_be_visible()
    expect(page.get_by_role("region", name="Closure days")).to_contain_text("No closure days yet.")
    assert not ClosureDay.objects.filter(clinic=cast.clinic).exists()
