"""Portal home on a phone: signing in by e-mailed link, what is due, the next appointment."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.portal_helpers import portal_phone, sign_in_portal
from tests.factories import make_portal_account


def test_a_client_signs_in_by_link(
    new_page: Callable[[], Page], live_server: LiveServer, cast
) -> None:
    account = make_portal_account(cast.client)
    page = portal_phone(new_page)
    sign_in_portal(page, live_server, account)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
