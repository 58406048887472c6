"""A long course in the browser: the notes list pages by keyboard, and a note opens from it."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.harness import click, expect_path, navigate, sign_in, visit
from tests.ipt.long_history import TEXT, add_scores, add_sessions

pytestmark = pytest.mark.browser


def _rows(page: Page):
    return page.get_by_role("table").get_by_role("row")


def test_it_pages_a_long_course_by_keyboard_and_opens_a_note(
    page: Page, cast: SimpleNamespace
) -> None:
    add_sessions(cast.episode, range(2, 121))
    add_scores(cast.episode, range(2, 121))
    sign_in(page, cast.therapist)
    visit(page, reverse("ipt:notes", args=[cast.episode.public_id]))

    expect(page.get_by_role("heading", name="Sessions (120)")).to_be_visible()
    pager = page.get_by_role("navigation", name="Pages of session notes")
    expect(pager.locator("[aria-current=page]")).to_have_text("Page 1 of 6")
    expect(_rows(page)).to_have_count(21)  # the header and 20 sessions, newest first
    expect(_rows(page).nth(1)).to_contain_text("Session 120")
    expect(_rows(page).last).to_contain_text("Session 101")

    # From the last session on the page, the next stop is the pager's "Next".
    page.get_by_role("link", name="Session 101", exact=True).focus()
    page.keyboard.press("Tab")
    expect(pager.get_by_role("link", name="Next")).to_be_focused()
    navigate(page, lambda: page.keyboard.press("Enter"))

    expect(page).to_have_url(re.compile(r"\?page=2#sessions-heading$"))
    expect(pager.locator("[aria-current=page]")).to_have_text("Page 2 of 6")
    expect(_rows(page).nth(1)).to_contain_text("Session 100")
    expect(_rows(page).last).to_contain_text("Session 81")
    expect(pager.get_by_role("link", name="Previous")).to_be_visible()

    note = cast.episode.notes.get(number=95)
    click(page, page.get_by_role("link", name="Session 95", exact=True))
    expect_path(page, "ipt:note", note.public_id)
    expect(page.get_by_role("heading", name="Session 95 note")).to_be_visible()
    expect(page.get_by_text(TEXT).first).to_be_visible()
    # Scores recorded after signing are shown apart: the latest only, session 120's
    # PHQ-9 of 5 as corrected to 4.
    since = page.locator(".since-signing")
    expect(since).to_contain_text("PHQ-9: 4 (mild)")
    expect(since).to_contain_text("(session 120)")
