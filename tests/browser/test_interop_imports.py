"""Importing earlier scores in the browser: download the template, upload a CSV with an
error, fix it, preview, import, and find the responses marked as imported. Axe on each page."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from rapport.measures.models import Response
from tests.browser.harness import click, sign_in, visit
from tests.interop.imports_helpers import csv_text, phq9_row

pytestmark = pytest.mark.browser

MILD = [1, 1, 1, 1, 1, 1, 0, 0, 0]


def test_a_therapist_fixes_a_csv_previews_and_imports_it(
    page: Page, cast: SimpleNamespace, tmp_path: Path
) -> None:
    in_course = max(timezone.localdate() - timedelta(days=10), cast.episode.started_on)
    good = phq9_row(cast.client, in_course.isoformat(), MILD)
    historical = phq9_row(cast.client, "2024-03-18", [2, 2, 1, 1, 1, 1, 1, 1, 0], total="13")
    broken = historical.replace(",1,1,0,1,13", ",1,1,7,1,13")
    assert broken != historical
    upload = tmp_path / "scores.csv"
    upload.write_text(csv_text(good, broken))

    sign_in(page, cast.therapist)
    visit(page, reverse("interop:imports"))
    csv_part = page.get_by_role("region", name="A CSV of historical scores")
    with page.expect_download() as download:
        csv_part.get_by_role("link", name="Download the CSV template").click()
    assert Path(download.value.path()).read_text().startswith("client_id,family_name")

    csv_part.get_by_label("File").set_input_files(str(upload))
    click(page, csv_part.get_by_role("button", name="Check the CSV"))
    expect(page.get_by_role("heading", name="The import has errors")).to_be_visible()
    problems = page.get_by_role("table", name="Problems, by row")
    expect(problems.get_by_role("row").nth(1)).to_contain_text("3")
    expect(problems.get_by_role("row").nth(1)).to_contain_text("item_9")
    expect(problems.get_by_role("row").nth(1)).to_contain_text("not a whole number from 0 to 3")
    assert not Response.objects.filter(mode="imported").exists()

    # The input comes back in the form: fix the cell and check again.
    pasted = page.get_by_label("Or paste its contents")
    pasted.fill(pasted.input_value().replace(",1,1,7,1,13", ",1,1,0,1,13"))
    click(page, page.get_by_role("button", name="Check again"))
    expect(page.get_by_role("heading", name="Preview of the import")).to_be_visible()
    rows = page.get_by_role("table", name="Responses to import")
    expect(rows).to_contain_text("Stated total 13 ignored: the answers add up to 10.")
    expect(rows).to_contain_text(cast.client.display_name)
    assert not Response.objects.filter(mode="imported").exists()

    click(page, page.get_by_role("button", name="Import 2 responses"))
    expect(page.get_by_role("status")).to_contain_text("2 responses were imported")
    assert Response.objects.filter(mode="imported", client=cast.client).count() == 2

    click(page, page.get_by_role("link", name=f"{cast.client.display_name}: every PHQ-9 score"))
    table = page.get_by_role("table", name="PHQ-9 scores, newest first (data table)")
    expect(table.get_by_text("imported")).to_have_count(2)

    visit(page, reverse("ipt:measures", args=[cast.episode.public_id]))
    responses = page.get_by_role("table", name="Responses in this episode, newest first")
    expect(responses).to_contain_text("Imported from earlier records")
