"""The harness's own alarms ring: otherwise a green journey would prove nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.harness import assert_console_clean, audit, visit, watched

pytestmark = pytest.mark.browser

INLINE_SCRIPT = """() => {
    const script = document.createElement("script");
    script.textContent = "document.title = 'inline ran'";
    document.head.append(script);
}"""
IMAGE_WITHOUT_ALT = """() => {
    const image = document.createElement("img");
    image.src = "data:,";
    document.querySelector("main").append(image);
}"""


def test_it_reports_axe_violations(page: Page) -> None:
    visit(page, reverse("core:login"))
    page.evaluate(IMAGE_WITHOUT_ALT)
    with pytest.raises(AssertionError, match=r"image-alt \(critical\): .* at img"):
        audit(page)


def test_it_reports_content_security_policy_violations(page: Page) -> None:
    visit(page, reverse("core:login"))
    with page.expect_console_message(lambda message: message.type == "error"):
        page.evaluate(INLINE_SCRIPT)
    expect(page).not_to_have_title("inline ran")  # the policy blocked it
    with pytest.raises(AssertionError, match="Content Security Policy"):
        assert_console_clean(page)


def test_it_reports_a_page_left_unaudited(page: Page) -> None:
    visit(page, reverse("core:login"))
    page.goto(reverse("core:login"))
    page.evaluate("1")  # a round trip, so the load event has surely arrived
    assert watched(page).problems() == [
        f"2 documents loaded but only 1 audited with axe: ['{page.url}', '{page.url}']"
    ]
    audit(page)  # leave the page clean for the fixture's own check


def test_it_reports_duplicate_ids(page: Page) -> None:
    visit(page, reverse("core:login"))
    page.evaluate("() => { document.querySelector('h1').id = 'id_username'; }")
    with pytest.raises(AssertionError, match=r"duplicate ids on .*\['id_username'\]"):
        audit(page)
