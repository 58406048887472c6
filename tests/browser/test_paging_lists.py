"""Long lists in the browser: a client's appointments and the audit log page by keyboard,
and every page passes the accessibility check."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import click, navigate, sign_in
from tests.history import audit_events, past_appointments

pytestmark = pytest.mark.browser


def _rows(page: Page):
    return page.get_by_role("table").locator("tbody tr")


def test_intake_pages_through_a_clients_appointments_by_keyboard(
    page: Page, cast: SimpleNamespace
) -> None:
    past_appointments(cast.client, 45)  # weekly from Monday 1 January 2024
    sign_in(page, cast.intake)
    click(page, page.get_by_role("link", name="Clients", exact=True))
    click(page, page.get_by_role("link", name=cast.client.display_name))
    click(page, page.get_by_role("link", name="Appointments", exact=True))

    expect(page.get_by_role("heading", name="Past and cancelled (45)")).to_be_visible()
    pager = page.get_by_role("navigation", name="Pages of past appointments")
    expect(pager.locator("[aria-current=page]")).to_have_text("Page 1 of 3")
    expect(_rows(page)).to_have_count(20)
    expect(_rows(page).first).to_contain_text("Mon 4 Nov 2024")  # the latest first

    # From the last appointment on the page, the next stop is the pager's "Next".
    _rows(page).last.get_by_role("link").focus()
    page.keyboard.press("Tab")
    expect(pager.get_by_role("link", name="Next")).to_be_focused()
    navigate(page, lambda: page.keyboard.press("Enter"))

    expect(page).to_have_url(re.compile(r"\?page=2#appointments-heading$"))
    expect(pager.locator("[aria-current=page]")).to_have_text("Page 2 of 3")
    expect(_rows(page)).to_have_count(20)
    pager.get_by_role("link", name="Next").focus()
    navigate(page, lambda: page.keyboard.press("Enter"))
    expect(pager.locator("[aria-current=page]")).to_have_text("Page 3 of 3")
    expect(_rows(page)).to_have_count(5)
    expect(_rows(page).last).to_contain_text("Mon 1 Jan 2024")  # the first session
    expect(pager.get_by_role("link", name="Next")).to_have_count(0)
    expect(pager.get_by_role("link", name="First")).to_be_visible()


def test_the_admin_reads_older_audit_entries_by_keyboard(page: Page, cast: SimpleNamespace) -> None:
    audit_events(cast.clinic, cast.therapist, 70, subject=cast.client)
    sign_in(page, cast.admin)
    click(page, page.get_by_role("link", name="Audit log"))

    pager = page.get_by_role("navigation", name="Pages of the audit log")
    expect(pager.locator("[aria-current=page]")).to_have_text("Newest entries")
    expect(_rows(page)).to_have_count(50)
    newest_first = _rows(page).first.inner_text()

    # The rows hold no links: from the Filter button, "Older" is a few stops away (past
    # the CSV download and the table's scrollable region), never fifty.
    page.get_by_role("button", name="Filter").focus()
    older = pager.get_by_role("link", name="Older")
    for _stop in range(3):
        page.keyboard.press("Tab")
        if older.evaluate("link => link === document.activeElement"):
            break
    expect(older).to_be_focused()
    navigate(page, lambda: page.keyboard.press("Enter"))

    expect(pager.locator("[aria-current=page]")).to_contain_text("Entries up to")
    expect(pager.get_by_role("link", name="Older")).to_have_count(0)  # the oldest page
    expect(_rows(page).last).to_contain_text("2024-01-01")
    pager.get_by_role("link", name="Newer").focus()
    navigate(page, lambda: page.keyboard.press("Enter"))
    # Back where we were; the admin's own reads since then wait above, under "Newest".
    expect(_rows(page).first).to_have_text(newest_first)
    navigate(page, pager.get_by_role("link", name="Newest").click)
    expect(pager.locator("[aria-current=page]")).to_have_text("Newest entries")
    expect(_rows(page).first).to_contain_text("core.audit.viewed")
