"""An admin filters the outcomes dashboard, reads the chart's table and downloads the CSV."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.harness import click, sign_in
from tests.factories import make_client
from tests.reports.test_outcomes_dashboard import finished_course

pytestmark = pytest.mark.browser


def test_an_admin_filters_the_outcomes_and_downloads_them(
    new_page: Callable[[], Page], cast: SimpleNamespace
) -> None:
    finished_course(cast.client, phq9=[18, 6], gad7=[12, 3], area="grief")
    finished_course(cast.colleague_client, phq9=[16, 14], area="role_dispute")
    finished_course(make_client(cast.clinic, cast.therapist), phq9=[15, 4], area="grief")
    finished_course(
        make_client(cast.clinic, cast.colleague),
        phq9=[20, 3],
        started_on=date(2025, 3, 1),
        closed_on=date(2025, 6, 1),
    )

    page = new_page()
    sign_in(page, cast.admin)
    click(page, page.get_by_role("link", name="Clinic outcomes: requests, waits", exact=False))
    expect(page.get_by_role("heading", name="Outcomes", level=1)).to_be_visible()

    page.get_by_label("From", exact=True).fill("2026-01-01")
    page.get_by_label("To", exact=True).fill("2026-12-31")
    page.get_by_label("Primary problem area").select_option(label="Grief")
    page.get_by_label("Break down by").select_option(label="Therapist")
    click(page, page.get_by_role("button", name="Show figures"))

    figures = page.locator("dl.figures")
    expect(figures).to_contain_text("Courses finished2")
    expect(figures).to_contain_text("Recovery100.0 %")
    chart = page.get_by_role(
        "img", name="Recovery and reliable improvement, 2026-01-01 to 2026-12-31"
    )
    expect(chart).to_be_visible()
    table = page.get_by_role("table", name="Figures by therapist")
    row = table.get_by_role("row", name="Therapist Tester", exact=False)
    expect(row).to_contain_text("2 (100.0 %)")
    expect(table.get_by_role("row", name="Colleague Tester", exact=False)).to_have_count(0)
    for client in (cast.client, cast.colleague_client):
        expect(page.locator("main")).not_to_contain_text(client.family_name)

    # A wrong period is refused with a message, and the figures are not shown.
    page.get_by_label("From", exact=True).fill("2026-12-31")
    page.get_by_label("To", exact=True).fill("2026-01-01")
    click(page, page.get_by_role("button", name="Show figures"))
    expect(
        page.get_by_text("The end date must be on or after the start date.", exact=True)
    ).to_be_visible()
    expect(page.locator("dl.figures")).to_have_count(0)
    page.get_by_label("From", exact=True).fill("2026-01-01")
    page.get_by_label("To", exact=True).fill("2026-12-31")
    click(page, page.get_by_role("button", name="Show figures"))

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these figures (CSV)").click()
    assert download.value.suggested_filename == "outcomes-2026-01-01-to-2026-12-31.csv"
    rows = list(csv.reader(Path(download.value.path()).read_text().splitlines()))
    assert ["Period", "2026-01-01", "2026-12-31"] in rows
    header = next(r for r in rows if r and r[0] == "Therapist")
    mine = dict(zip(header, next(r for r in rows if r and r[0] == "Therapist Tester"), strict=True))
    assert (mine["Courses finished"], mine["Recovered"], mine["Recovery rate (%)"]) == (
        "2",
        "2",
        "100.0",
    )
    assert not any(r and r[0] == "Colleague Tester" for r in rows)
    text = Path(download.value.path()).read_text()
    assert cast.client.family_name not in text
    assert reverse("reports:outcomes_csv") in page.get_by_role(
        "link", name="Download these figures (CSV)"
    ).get_attribute("href")
