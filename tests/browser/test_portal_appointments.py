"""Portal appointments on a phone: a client downloads an appointment's calendar file,
confirms one, cancels one late (recorded as late) and asks to move another; the
intake coordinator sees the request and marks it handled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from rapport.scheduling.booking import book
from rapport.scheduling.models import Appointment, RescheduleRequest
from tests.browser.harness import audit, click, expect_path, sign_in, visit
from tests.browser.portal_helpers import NARROWEST, portal_phone, sign_in_portal
from tests.factories import make_portal_account

pytestmark = pytest.mark.browser


def _book(cast: SimpleNamespace, ahead: dt.timedelta) -> Appointment:
    starts = timezone.now().replace(second=0, microsecond=0) + ahead
    return book(
        clinic=cast.clinic,
        therapist=cast.therapist,
        client=cast.client,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=50),
        kind=Appointment.Kind.SESSION,
        by=cast.intake,
    )


def test_a_client_manages_appointments_and_the_coordinator_sees_the_request(
    new_page: Callable[[], Page], live_server: LiveServer, cast: SimpleNamespace
) -> None:
    cast.clinic.time_zone = "America/New_York"
    cast.clinic.save()
    soon = _book(cast, dt.timedelta(hours=5))  # inside the 24-hour window
    next_week = _book(cast, dt.timedelta(days=7))
    later = _book(cast, dt.timedelta(days=21))
    page = portal_phone(new_page)
    sign_in_portal(page, live_server, make_portal_account(cast.client))

    click(
        page, page.get_by_role("navigation", name="Portal").get_by_role("link", name="Appointments")
    )
    expect_path(page, "portal:appointments")
    expect(page.get_by_text("Times are shown in your time zone: America/New_York")).to_be_visible()
    coming = page.get_by_role("region", name="Coming up").locator(".portal-appointment")
    expect(coming).to_have_count(3)

    # A calendar file of next week's appointment.
    with page.expect_download() as download:
        coming.nth(1).get_by_role("link", name="to my calendar").click()
    calendar = Path(download.value.path()).read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in calendar
    assert cast.client.family_name not in calendar

    # Confirm next week's.
    click(page, coming.nth(1).get_by_role("button", name="Confirm I will come"))
    expect(page.get_by_text("the clinic knows you are coming")).to_be_visible()
    expect(coming.nth(1)).to_contain_text("You confirmed")
    next_week.refresh_from_db()
    assert next_week.confirmed_at is not None

    # Cancel today's: the page asks first and says it will be late.
    click(page, coming.nth(0).get_by_role("link", name="Cancel"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel this appointment?")
    expect(page.get_by_text("recorded as a late cancellation")).to_be_visible()
    click(page, page.get_by_role("button", name="Yes, cancel this appointment"))
    expect(page.get_by_text("It was recorded as a late cancellation.")).to_be_visible()
    expect(page.get_by_role("region", name="Past and cancelled")).to_contain_text("Cancelled late")
    soon.refresh_from_db()
    assert soon.status == Appointment.Status.LATE_CANCELLED

    # Ask to move the one in three weeks.
    coming = page.get_by_role("region", name="Coming up").locator(".portal-appointment")
    click(page, coming.nth(1).get_by_role("link", name="Ask to move"))
    click(page, page.get_by_role("button", name="Send my request"))  # empty: refused
    expect(page.get_by_role("alert")).to_contain_text("Please check the form")
    page.get_by_label("Which days and times would suit you?").fill("Thursday mornings after 9")
    click(page, page.get_by_role("button", name="Send my request"))
    expect(page.get_by_text("Your request is sent")).to_be_visible()

    # Nothing wider than the narrowest phone.
    page.set_viewport_size(NARROWEST)
    visit(page, reverse("portal:appointments"))
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROWEST["width"]

    coordinator = new_page()
    sign_in(coordinator, cast.intake)
    nav = coordinator.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard")
    expect(nav).to_contain_text("1 request to reschedule")
    requests = coordinator.get_by_role("region", name="Requests to reschedule")
    expect(requests).to_contain_text("Thursday mornings after 9")
    click(coordinator, requests.get_by_role("link", name=cast.client.display_name))
    expect_path(coordinator, "scheduling:appointment", later.public_id)
    click(coordinator, coordinator.get_by_role("button", name="Mark as handled"))
    expect(coordinator.get_by_text("Request marked as handled.")).to_be_visible()
    assert RescheduleRequest.objects.get().handled_by == cast.intake
    audit(coordinator)
