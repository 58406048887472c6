"""What portal journeys share: a phone viewport and signing in the real way.

``sign_in_portal`` asks for a link on the portal's sign-in page, reads it from
the queued e-mail (the outbox row, as the worker would send it), opens it and
presses "Continue to my portal". Every page on the way is audited with axe.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.urls import reverse
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from rapport.core.models import OutboundEmail
from tests.browser.harness import click, expect_path, visit

PHONE = {"width": 375, "height": 740}
NARROWEST = {"width": 320, "height": 640}


def portal_phone(new_page: Callable[[], Page]) -> Page:
    """A fresh page (its own cookies) on a phone-sized viewport."""
    page = new_page()
    page.set_viewport_size(PHONE)
    return page


def link_from_outbox(email: str) -> str:
    """The path and query of the newest sign-in link queued for ``email``."""
    # The recipient is encrypted at rest, so it is compared here rather than queried.
    rows = OutboundEmail.objects.order_by("-pk")[:50]
    row = next((row for row in rows if row.recipient.lower() == email.lower()), None)
    assert row is not None, f"no e-mail queued for {email}"
    found = re.search(r"\S*/portal/sign-in/link/\?sesame=\S+", row.text_body)
    assert found, "the e-mail carries no sign-in link"
    parts = urlsplit(found.group(0))
    return f"{parts.path}?{parts.query}"


def sign_in_portal(page: Page, live_server: LiveServer, account: Any) -> None:
    """Sign ``account`` in by e-mailed link, as its holder would: lands on the portal home."""
    visit(page, reverse("portal:sign_in"))
    page.get_by_label("Your e-mail address").fill(account.email)
    click(page, page.get_by_role("button", name="Send me a sign-in link"))
    visit(page, live_server.url + link_from_outbox(account.email))
    click(page, page.get_by_role("button", name="Continue to my portal"))
    expect_path(page, "portal:home")
