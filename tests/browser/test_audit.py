"""The clinic admin reads the audit log, narrowed to one client."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import Page, expect

from rapport.core.audit import record
from rapport.core.views.audit_log import PAGE_SIZE
from tests.browser.harness import audit, click, expect_path, sign_in, watched
from tests.history import audit_events

pytestmark = pytest.mark.browser


def test_it_filters_the_audit_log_by_client(page: Page, cast: SimpleNamespace) -> None:
    sign_in(page, cast.admin)
    # Two clients viewed, so the filter has something to leave out.
    for client in (cast.client, cast.colleague_client):
        click(page, page.get_by_role("link", name="Clients", exact=True))
        click(page, page.get_by_role("link", name=client.display_name))

    click(page, page.get_by_role("link", name="Audit log"))
    expect_path(page, "core:audit_log")
    page.get_by_label("Client").select_option(label=cast.client.display_name)
    click(page, page.get_by_role("button", name="Filter"))

    rows = page.get_by_role("table", name="Audit events").locator("tbody tr")
    expect(rows.filter(has_text="clients.client.viewed")).to_have_count(1)
    # Every row left is about the chosen client.
    expect(rows.locator("td:nth-child(4)")).to_have_text([cast.client.display_name] * rows.count())
    expect(page.get_by_label("Client")).to_have_value(str(cast.client.public_id))


def test_a_refused_page_is_on_file_for_the_admin(
    new_page: Callable[[], Page], cast: SimpleNamespace
) -> None:
    therapist = new_page()
    sign_in(therapist, cast.therapist)
    refused = reverse("clients:detail", args=[cast.colleague_client.public_id])
    therapist.goto(refused)
    expect(therapist.get_by_role("heading", name="Page not found")).to_be_visible()
    watched(therapist).take_errors()  # the browser reports the 404 it was shown
    audit(therapist)

    admin = new_page()
    sign_in(admin, cast.admin)
    click(admin, admin.get_by_role("link", name="Audit log"))
    admin.get_by_label("Staff member").select_option(label=cast.therapist.get_full_name())
    click(admin, admin.get_by_role("button", name="Filter"))
    rows = admin.get_by_role("table", name="Audit events").locator("tbody tr")
    expect(rows.filter(has_text="core.access.not_found")).to_have_count(1)
    expect(rows.filter(has_text="asked for clients:detail")).to_have_count(1)


def test_it_filters_by_event_and_date_pages_and_downloads(
    page: Page, cast: SimpleNamespace
) -> None:
    audit_events(cast.clinic, cast.therapist, PAGE_SIZE + 5)  # from 1 January 2024
    with time_machine.travel(datetime(2024, 2, 1, 15, tzinfo=UTC), tick=False):
        record(None, "ipt.note.signed", cast.note, actor=cast.therapist)
    sign_in(page, cast.admin)
    click(page, page.get_by_role("link", name="Audit log"))
    expect(page.get_by_role("region", name="Tamper check")).to_contain_text("Not checked yet.")

    page.get_by_label("Event").select_option(label="Session note signed")
    page.get_by_label("From").fill("2024-02-01")
    page.get_by_label("To").fill("2024-02-01")
    click(page, page.get_by_role("button", name="Filter"))
    table = page.get_by_role("table", name="Audit events")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.locator("tbody tr")).to_contain_text("Session note signed")
    # The clinic's zone, named in the heading and beside each time; the time on one line.
    expect(table.get_by_role("columnheader", name="When (America/New_York)")).to_be_visible()
    expect(table.locator("tbody time")).to_have_text("2024-02-01 10:00:00 EST")
    expect(table.locator("tbody time")).to_have_attribute("datetime", "2024-02-01T15:00:00Z")
    expect(table.locator("tbody td.nowrap")).to_have_css("white-space", "nowrap")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these entries (CSV)").click()
    lines = Path(download.value.path()).read_text().splitlines()
    assert lines[0].startswith("time,time zone,event,event code,staff member,client")
    assert len(lines) == 2
    assert "2024-02-01 10:00:00,America/New_York,Session note signed,ipt.note.signed" in lines[1]

    click(page, page.get_by_role("link", name="Clear filters"))
    page.get_by_label("Staff member").select_option(label=cast.therapist.get_full_name())
    click(page, page.get_by_role("button", name="Filter"))
    expect(page.get_by_role("table", name="Audit events").locator("tbody tr")).to_have_count(
        PAGE_SIZE
    )
    click(page, page.get_by_role("link", name="Older"))
    rows = page.get_by_role("table", name="Audit events").locator("tbody tr")
    expect(rows.last).to_contain_text("2024-01-01 04:00:00")  # the oldest entry, at the end
    click(page, page.get_by_role("link", name="Newer"))
    expect(page.get_by_text("Newest entries")).to_be_visible()
