"""The portal on a phone: sign in by e-mailed link, the home page, signing out; a
guardian's shared view; nothing wider than 320 px; light pages with no third parties."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, Response, expect
from pytest_django.live_server_helper import LiveServer

from rapport.portal import due
from rapport.portal.due import DueItem
from rapport.scheduling.models import Appointment
from tests.browser.harness import click, expect_path, visit
from tests.browser.portal_helpers import NARROWEST, portal_phone, sign_in_portal
from tests.factories import make_portal_account

pytestmark = pytest.mark.browser

CLIENT_ONLY = "Answer this week's mood questionnaire"
SHARED = "Sign the consent to treatment before the first session"


@pytest.fixture
def due_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """One thing due for the client alone, one shared with guardians (as areas register)."""
    home = reverse("portal:home")  # loading the URLconf registers every area's sources
    monkeypatch.setattr(due, "_sources", list(due._sources))
    due.due_source()(lambda request, client: [DueItem(CLIENT_ONLY, home, "questionnaire")])
    due.due_source(guardian=True)(lambda request, client: [DueItem(SHARED, home, "paperwork")])


def _next_week(cast: SimpleNamespace) -> Appointment:
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=7)
    return Appointment.objects.create(
        clinic=cast.clinic,
        client=cast.client,
        therapist=cast.therapist,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=50),
    )


def _sign_out(page: Page) -> None:
    click(page, page.get_by_role("button", name="Sign out"))
    expect_path(page, "portal:signed_out")
    expect(page.get_by_role("heading", level=1)).to_have_text("You are signed out")


def test_a_client_signs_in_by_link_sees_home_and_signs_out(
    new_page: Callable[[], Page], live_server: LiveServer, cast: SimpleNamespace, due_now: None
) -> None:
    cast.therapist.first_name, cast.therapist.last_name = "Robin", "Hale"
    cast.therapist.save()
    cast.clinic.time_zone = "America/New_York"
    cast.clinic.save()
    _next_week(cast)
    account = make_portal_account(cast.client)
    page = portal_phone(new_page)

    sign_in_portal(page, live_server, account)

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {cast.client.given_name}")
    expect(page.get_by_text("This portal is not monitored around the clock")).to_be_visible()
    next_visit = page.get_by_role("region", name="Your next appointment")
    expect(next_visit).to_contain_text("with Robin Hale")
    expect(next_visit.locator("time")).to_contain_text("EST")  # the clinic's zone, named
    to_do = page.get_by_role("region", name="To do")
    expect(to_do.get_by_role("link", name=CLIENT_ONLY)).to_be_visible()
    expect(to_do.get_by_role("link", name=SHARED)).to_be_visible()
    crisis = page.get_by_role("link", name="Need help now?")
    crisis.click()  # one tap to the clinic's crisis lines
    expect(page.get_by_role("heading", name="In crisis? Help is available now")).to_be_in_viewport()

    _sign_out(page)
    visit(page, reverse("portal:home"))  # signed out: back to the sign-in page
    expect_path(page, "portal:sign_in")


def test_a_guardian_sees_only_the_shared_parts(
    new_page: Callable[[], Page], live_server: LiveServer, cast: SimpleNamespace, due_now: None
) -> None:
    _next_week(cast)
    guardian = make_portal_account(
        cast.client, role="guardian", name="Dana Parent", relationship="mother"
    )
    page = portal_phone(new_page)

    sign_in_portal(page, live_server, guardian)

    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Dana Parent")
    expect(page.get_by_role("region", name="Next appointment").locator("time")).to_be_visible()
    to_do = page.get_by_role("region", name="To do")
    expect(to_do.get_by_role("link", name=SHARED)).to_be_visible()
    expect(to_do.get_by_role("link", name=CLIENT_ONLY)).to_have_count(0)
    nav = page.get_by_role("navigation", name="Portal")
    for client_only in ("Questionnaires", "Practice", "Messages"):
        expect(nav.get_by_role("link", name=client_only)).to_have_count(0)
    _sign_out(page)


def test_a_guardian_without_consent_gets_no_link(
    new_page: Callable[[], Page], live_server: LiveServer, cast: SimpleNamespace
) -> None:
    from rapport.core.models import OutboundEmail

    guardian = make_portal_account(cast.client, role="guardian", name="Lee", consent=False)
    page = portal_phone(new_page)
    visit(page, reverse("portal:sign_in"))
    page.get_by_label("Your e-mail address").fill(guardian.email)
    click(page, page.get_by_role("button", name="Send me a sign-in link"))
    expect(page.get_by_role("status")).to_contain_text("If this address belongs")
    assert not OutboundEmail.objects.exists()


def _fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROWEST["width"], f"{page.url} is {width} px wide"


def test_nothing_is_wider_than_320_px(
    new_page: Callable[[], Page], live_server: LiveServer, cast: SimpleNamespace, due_now: None
) -> None:
    _next_week(cast)
    page = new_page()
    page.set_viewport_size(NARROWEST)
    visit(page, reverse("portal:sign_in"))
    _fits(page)
    sign_in_portal(page, live_server, make_portal_account(cast.client))  # each page audited
    _fits(page)
    _sign_out(page)
    _fits(page)


def test_portal_pages_are_light_and_call_no_third_party(
    new_page: Callable[[], Page], live_server: LiveServer, cast: SimpleNamespace, due_now: None
) -> None:
    _next_week(cast)
    page = portal_phone(new_page)
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    sign_in_portal(page, live_server, make_portal_account(cast.client))
    foreign = [r.url for r in responses if not r.url.startswith(live_server.url)]
    assert not foreign, f"third-party requests: {foreign}"

    # Weigh each page as a first visit would: no cache, every file fetched again.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    for url_name in ("portal:home", "portal:sign_in", "portal:signed_out"):
        responses.clear()
        visit(page, reverse(url_name))
        weight = sum(len(r.body()) for r in responses if r.status == 200)
        assert weight < 100_000, f"{url_name} weighs {weight} bytes"
        assert all(r.url.startswith(live_server.url) for r in responses)
