"""What anyone sees before signing in: keyboard entry point and crisis resources."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.harness import visit

pytestmark = pytest.mark.browser


def test_it_focuses_the_skip_link_on_the_first_tab(page: Page) -> None:
    visit(page, reverse("core:login"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # shown when focused, not left off-screen

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_it_shows_crisis_resources_on_the_login_page(page: Page) -> None:
    visit(page, reverse("core:login"))
    footer = page.get_by_role("contentinfo")
    expect(footer.get_by_role("heading")).to_have_text("In crisis? Help is available now")
    expect(footer.get_by_role("link", name="988")).to_be_visible()
    expect(footer.get_by_role("link", name="988")).to_have_attribute("href", "tel:988")
