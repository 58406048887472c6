"""Recording the working diagnosis in the browser: search, pick, change, remove."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from rapport.ipt.models import EpisodeDiagnosis
from tests.browser.harness import (
    audit,
    click,
    confirm,
    expect_path,
    navigate,
    sign_in,
    visit,
    watched,
)

pytestmark = pytest.mark.browser


def test_the_therapist_searches_records_and_changes_a_diagnosis(
    page: Page, cast: SimpleNamespace
) -> None:
    sign_in(page, cast.therapist)
    visit(page, reverse("ipt:episode", args=[cast.episode.public_id]))
    click(
        page, page.get_by_role("navigation", name="Episode").get_by_role("link", name="Diagnosis")
    )
    expect_path(page, "ipt:diagnosis", cast.episode.public_id)
    expect(page.get_by_text("No diagnosis is recorded for this episode yet.")).to_be_visible()

    # Search by words, with the keyboard: the picker then offers only the matches.
    search = page.get_by_role("searchbox", name="Search the codes")
    search.fill("recurrent moderate")
    navigate(page, lambda: search.press("Enter"))
    expect(page.get_by_role("status")).to_contain_text("1 code matches")
    page.get_by_label("ICD-10-CM code").select_option("F33.1")
    page.get_by_label("Date of diagnosis").fill("2026-09-08")
    click(page, page.get_by_role("button", name="Record diagnosis"))
    current = page.get_by_role("region", name="Current")
    expect(current).to_contain_text(
        "Primary: F33.1 · Major depressive disorder, recurrent, moderate"
    )

    # A change: the earlier code moves to the history, with who and why.
    page.get_by_label("ICD-10-CM code").select_option("F33.2")
    page.get_by_label("Date of diagnosis").fill("2026-10-06")
    click(page, page.get_by_role("button", name="Record diagnosis"))
    expect(page.get_by_role("region", name="Current")).to_contain_text("F33.2")
    history = page.get_by_role("region", name="History")
    expect(history).to_contain_text("F33.1")
    expect(history).to_contain_text("changed")

    # A date in the future is explained and changes nothing.
    page.get_by_label("ICD-10-CM code").select_option("F41.1")
    page.get_by_label("Secondary").check()
    date_field = page.get_by_label("Date of diagnosis")
    expect(date_field).to_have_attribute("min", "1900-01-01")
    date_field.fill("2099-01-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Record diagnosis").click()
    watched(page).take_errors()  # the browser reports the 400 it was shown
    audit(page)
    expect(page.get_by_role("alert")).to_contain_text("A diagnosis cannot be dated in the future.")
    assert not EpisodeDiagnosis.objects.filter(code="F41.1").exists()

    confirm(
        page,
        page.get_by_role("button", name="Remove F33.2 (entered in error)"),
        "Remove this diagnosis?",
    )
    expect(page.get_by_text("No diagnosis is recorded for this episode yet.")).to_be_visible()
    assert EpisodeDiagnosis.objects.count() == 2
