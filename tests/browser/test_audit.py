"""The clinic admin reads the audit log, narrowed to one client."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.harness import audit, click, expect_path, sign_in, watched

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
