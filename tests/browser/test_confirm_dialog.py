"""The shared confirmation: an accessible dialog with JavaScript, a page without it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from rapport.ipt.models import TimelineEvent
from tests.browser.harness import audit, click, navigate, sign_in, unwatch, visit, watch

pytestmark = pytest.mark.browser

QUESTION = "Remove this event from the timeline? The removal is recorded."


def _timeline(cast: SimpleNamespace) -> tuple[str, TimelineEvent]:
    event = TimelineEvent.objects.create(
        episode=cast.episode, occurred_on=date(2026, 3, 1), title="Moved city"
    )
    return reverse("ipt:timeline", kwargs={"public_id": cast.episode.public_id}), event


@pytest.fixture
def no_js_page(browser: Browser, live_server: LiveServer, transactional_db: None) -> Iterator[Page]:
    # Our scripts answer empty: the page works as without JavaScript, while axe can still run.
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.route(
        "**/*.js",
        lambda route: route.fulfill(status=200, content_type="text/javascript", body=""),
    )
    page = context.new_page()
    watch(page)
    yield page
    problems = unwatch(page).problems()
    context.close()
    assert not problems, "\n".join(problems)


def test_it_confirms_a_removal_by_keyboard_in_a_dialog(page: Page, cast: SimpleNamespace) -> None:
    path, event = _timeline(cast)
    sign_in(page, cast.therapist)
    visit(page, path)
    delete = page.get_by_role("button", name="Delete Moved city")
    dialog = page.get_by_role("dialog", name="Please confirm")

    delete.focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(QUESTION)
    expect(dialog.get_by_role("button", name="No, go back")).to_be_focused()
    audit(page)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(delete).to_be_focused()  # focus comes back to where it was
    assert TimelineEvent.objects.filter(pk=event.pk).exists()

    page.keyboard.press("Enter")
    dialog.get_by_role("button", name="No, go back").press("Enter")
    expect(dialog).to_be_hidden()
    expect(delete).to_be_focused()
    assert TimelineEvent.objects.filter(pk=event.pk).exists()

    page.keyboard.press("Enter")
    page.keyboard.press("Shift+Tab")
    expect(dialog.get_by_role("button", name="Yes, continue")).to_be_focused()
    navigate(page, lambda: page.keyboard.press("Enter"))
    expect(page.get_by_role("button", name="Delete Moved city")).to_have_count(0)
    assert not TimelineEvent.objects.filter(pk=event.pk).exists()


def test_it_asks_on_a_page_without_javascript(no_js_page: Page, cast: SimpleNamespace) -> None:
    page = no_js_page
    path, event = _timeline(cast)
    sign_in(page, cast.therapist)
    visit(page, path)

    click(page, page.get_by_role("button", name="Delete Moved city"))
    expect(page.get_by_role("heading", name="Please confirm")).to_be_visible()
    expect(page.get_by_text(QUESTION)).to_be_visible()
    assert TimelineEvent.objects.filter(pk=event.pk).exists()
    click(page, page.get_by_role("link", name="No, go back"))
    expect(page.get_by_role("button", name="Delete Moved city")).to_be_visible()
    assert TimelineEvent.objects.filter(pk=event.pk).exists()

    click(page, page.get_by_role("button", name="Delete Moved city"))
    click(page, page.get_by_role("button", name="Yes, continue"))
    expect(page.get_by_role("button", name="Delete Moved city")).to_have_count(0)
    assert not TimelineEvent.objects.filter(pk=event.pk).exists()
