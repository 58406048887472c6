"""What the questionnaire journeys share: a phone, the clinic's crisis lines, the e-mailed link."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.core import mail
from playwright.sync_api import Page

from rapport.core.outbox import send_due_emails
from rapport.measures import invitations

PHONE = {"width": 390, "height": 844}
CRISIS_RESOURCES = [
    {"label": "Suicide & Crisis Lifeline: call or text", "contact": "988"},
    {"label": "In immediate danger: call", "contact": "911"},
]


def with_crisis_resources(clinic: Any) -> None:
    clinic.crisis_resources = CRISIS_RESOURCES
    clinic.save()


def run_jobs() -> str:
    """The worker's two jobs, for real; the link as the client's e-mail carries it."""
    mail.outbox.clear()
    invitations.send_due_invitations("browser-worker")
    send_due_emails("browser-worker")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/q/\S+/", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    return link.group(0)


def phone(new_page: Callable[[], Page]) -> Page:
    page = new_page()
    page.set_viewport_size(PHONE)
    return page


def answer(page: Page, code: str, item: str, label: str) -> None:
    page.locator(f"#{code}-{item}").get_by_label(label, exact=True).check()
