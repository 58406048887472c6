"""Browser fixtures: Debian's Chromium (never a downloaded one), one fresh context per page.

Data must be visible to the live server's thread, so every browser test runs
on ``transactional_db`` (which also turns the shared ``cast`` transactional).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.browser.harness import unwatch, watch

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000  # generous for a loaded CI box, short enough to fail fast


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        expect.set_options(timeout=TIMEOUT_MS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(
    browser: Browser, live_server: LiveServer, transactional_db: None
) -> Iterator[Callable[[], Page]]:
    """Open a page in a fresh context (its own cookies: another sign-in, another device)."""
    contexts: list[BrowserContext] = []
    pages: list[Page] = []

    def open_page() -> Page:
        context = browser.new_context(base_url=live_server.url, locale="en-US")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        watch(page)
        pages.append(page)
        return page

    yield open_page
    problems = [problem for page in pages for problem in unwatch(page).problems()]
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def page(new_page: Callable[[], Page]) -> Page:
    return new_page()
