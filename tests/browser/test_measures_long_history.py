"""A client with years of weekly scores in the browser: the measures tab pages its responses by
keyboard, the charts show the baseline and the latest 52, and each full history opens."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.harness import click, expect_path, navigate, sign_in, visit
from tests.measures.charts_helpers import add_history

pytestmark = pytest.mark.browser

WINDOW_TEXT = "Showing the last 52 of 300 scores, plus the baseline."


def _responses(page: Page):
    return page.get_by_role("table", name="Responses in this episode, newest first")


def test_it_pages_the_responses_by_keyboard_and_windows_the_charts(
    page: Page, cast: SimpleNamespace
) -> None:
    add_history(cast.client, cast.episode.public_id, 300)
    sign_in(page, cast.therapist)
    visit(page, reverse("ipt:measures", args=[cast.episode.public_id]))

    pager = page.get_by_role("navigation", name="Pages of responses")
    expect(pager.locator("[aria-current=page]")).to_have_text("Page 1 of 12")
    rows = _responses(page).get_by_role("row")
    expect(rows).to_have_count(26)  # the header and 25 responses, newest first
    expect(rows.nth(1).get_by_role("cell").nth(1)).to_have_text("300")

    # From the last response on the page, the next stop is the pager's "Next".
    rows.last.get_by_role("link").last.focus()
    page.keyboard.press("Tab")
    expect(pager.get_by_role("link", name="Next")).to_be_focused()
    navigate(page, lambda: page.keyboard.press("Enter"))
    expect(page).to_have_url(re.compile(r"\?page=2#responses-heading$"))
    expect(pager.locator("[aria-current=page]")).to_have_text("Page 2 of 12")
    expect(rows.nth(1).get_by_role("cell").nth(1)).to_have_text("275")

    chart = page.get_by_role("figure", name="PHQ-9")
    expect(chart).to_contain_text(WINDOW_TEXT)
    expect(page.get_by_role("img", name="PHQ-9 total over time").locator("desc")).to_contain_text(
        WINDOW_TEXT
    )
    data = page.get_by_role("table", name="PHQ-9 scores (data table)").get_by_role("row")
    expect(data).to_have_count(54)  # the header, the baseline and the latest 52
    expect(data.nth(1)).to_contain_text("baseline")
    expect(data.nth(2).get_by_role("cell").first).to_have_text("249")

    click(page, chart.get_by_role("link", name="Full history of PHQ-9"))
    expect_path(page, "ipt:measures_history", cast.episode.public_id, "phq9")
    expect(page.get_by_role("heading", name="PHQ-9: every score in this episode")).to_be_visible()
    every = page.get_by_role("table", name="PHQ-9 scores, newest first (data table)")
    expect(every.get_by_role("row")).to_have_count(51)
    scores = page.get_by_role("navigation", name="Pages of scores")
    expect(scores.locator("[aria-current=page]")).to_have_text("Page 1 of 6")
    click(page, scores.get_by_role("link", name="Next"))
    expect(scores.locator("[aria-current=page]")).to_have_text("Page 2 of 6")


def test_it_shows_the_current_episode_on_the_clinical_page_and_every_score_on_request(
    page: Page, cast: SimpleNamespace
) -> None:
    add_history(cast.client, cast.episode.public_id, 300)
    sign_in(page, cast.therapist)
    visit(page, reverse("clients:clinical", args=[cast.client.public_id]))
    chart = page.get_by_role("figure", name="PHQ-9")
    expect(chart).to_contain_text(WINDOW_TEXT)
    data = page.get_by_role("table", name="PHQ-9 scores (data table)").get_by_role("row")
    expect(data).to_have_count(54)

    click(page, chart.get_by_role("link", name="Full history of PHQ-9"))
    expect_path(page, "measures:score_history", cast.client.public_id, "phq9")
    heading = page.get_by_role("heading", name="PHQ-9: every score, all episodes")
    expect(heading).to_be_visible()
    expect(
        page.get_by_role("img", name="PHQ-9 total over time").locator("circle.score")
    ).to_have_count(300)
    every = page.get_by_role("table", name="PHQ-9 scores, newest first (data table)")
    expect(every.get_by_role("row")).to_have_count(51)
    click(page, page.get_by_role("link", name="Back to the current episode's charts"))
    expect_path(page, "clients:clinical", cast.client.public_id)
