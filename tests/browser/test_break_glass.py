"""A therapist breaks glass to reach a client outside their caseload; the clinic admin
is alerted, reviews the access and ends it."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

from rapport.clients.models import BreakGlassGrant
from rapport.core.models import OutboundEmail
from tests.browser.harness import audit, click, expect_path, sign_in, watched

pytestmark = pytest.mark.browser

REASON = "Client phoned in crisis and their therapist is on leave today."


def _break_glass(page: Page, client: SimpleNamespace) -> None:
    click(page, page.get_by_role("link", name="Clients", exact=True))
    click(page, page.get_by_role("link", name="Emergency access to a client outside your caseload"))
    expect_path(page, "clients:break_glass")
    page.get_by_label("Client's given name").fill(client.given_name)
    page.get_by_label("Client's family name").fill(client.family_name)
    page.get_by_label("Client's date of birth").fill(client.date_of_birth.isoformat())
    page.get_by_label("Reason for emergency access").fill("urgent")
    click(page, page.get_by_role("button", name="Open emergency access"))
    expect(page.get_by_role("alert")).to_contain_text("at least 20 characters")
    page.get_by_label("Reason for emergency access").fill(REASON)
    click(page, page.get_by_role("button", name="Open emergency access"))


def test_a_therapist_breaks_glass_and_the_admin_reviews_it(
    new_page: Callable[[], Page], cast: SimpleNamespace
) -> None:
    client = cast.colleague_client
    therapist = new_page()
    sign_in(therapist, cast.therapist)
    _break_glass(therapist, client)
    expect_path(therapist, "clients:detail", client.public_id)
    expect(therapist.get_by_role("note")).to_contain_text("viewing only")
    click(therapist, therapist.get_by_role("link", name="Clinical"))
    expect_path(therapist, "clients:clinical", client.public_id)
    assert [email.recipient for email in OutboundEmail.objects.all()] == [cast.admin.email]

    admin = new_page()
    sign_in(admin, cast.admin)
    alert = admin.get_by_role("link", name=f"{cast.therapist.get_full_name()}, since")
    click(admin, alert)
    expect_path(admin, "clients:break_glass_review", BreakGlassGrant.objects.get().public_id)
    expect(admin.get_by_text(REASON)).to_be_visible()
    expect(admin.get_by_text("clients:clinical")).to_be_visible()
    click(admin, admin.get_by_role("link", name="All emergency accesses"))
    rows = admin.get_by_role("table", name="Emergency accesses, newest first").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(REASON)
    expect(rows.first.locator("td").last).to_have_text("2")  # the details and the clinical page
    expect(rows.first).not_to_contain_text(client.family_name)
    click(admin, rows.first.get_by_role("link"))
    click(admin, admin.get_by_role("button", name="End this access now"))
    expect(admin.get_by_text("Emergency access ended.")).to_be_visible()

    therapist.reload()
    expect(therapist.get_by_role("heading", name="Page not found")).to_be_visible()
    watched(therapist).take_errors()  # the browser reports the 404 it was shown
    audit(therapist)
