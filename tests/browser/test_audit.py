"""The clinic admin reads the audit log, narrowed to one client."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import click, expect_path, sign_in

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
