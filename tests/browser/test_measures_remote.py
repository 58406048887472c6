"""Remote questionnaires in the browser: the therapist sends a link, the client answers on
a phone, sees crisis resources at once, and the link then refuses to be used again."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from rapport.core.outbox import send_due_emails
from rapport.measures import invitations
from rapport.measures.models import Invitation, Response, SafetyAlert
from tests.browser.harness import audit, click, sign_in, visit, watched
from tests.measures.admin_helpers import schedule_invitation, token_from

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def _run_jobs() -> str:
    """The worker's two jobs, for real; the link as the client's e-mail carries it."""
    mail.outbox.clear()
    invitations.send_due_invitations("browser-worker")
    send_due_emails("browser-worker")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/q/\S+/", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    return link.group(0)


def _open_gone(page: Page, link: str) -> None:
    """A used or expired link answers 410; Chromium logs that one response, nothing else."""
    page.goto(link)
    errors = watched(page).take_errors()
    assert errors
    assert all("status of 410" in error for error in errors), errors
    audit(page)


def _phone(new_page: Callable[[], Page]) -> Page:
    page = new_page()
    page.set_viewport_size(PHONE)
    return page


def _answer(page: Page, code: str, item: str, label: str) -> None:
    page.locator(f"#{code}-{item}").get_by_label(label, exact=True).check()


def test_it_takes_a_client_from_the_e_mailed_link_to_crisis_resources_on_a_phone(
    new_page: Callable[[], Page], cast: SimpleNamespace, live_server, settings
) -> None:
    settings.RAPPORT_BASE_URL = live_server.url
    cast.clinic.crisis_resources = [
        {"label": "Suicide & Crisis Lifeline: call or text", "contact": "988"},
        {"label": "In immediate danger: call", "contact": "911"},
    ]
    cast.clinic.save()

    therapist = new_page()
    sign_in(therapist, cast.therapist)
    visit(therapist, reverse("ipt:measures", args=[cast.episode.public_id]))
    expect(therapist.get_by_text("Due by the schedule: PHQ-9, GAD-7.")).to_be_visible()
    click(therapist, therapist.get_by_role("button", name="Send questionnaires"))
    expect(therapist.get_by_text("Questionnaire link scheduled")).to_be_visible()

    link = _run_jobs()
    assert cast.client.given_name not in mail.outbox[0].body

    client = _phone(new_page)
    visit(client, link)
    expect(client.get_by_role("heading", level=1)).to_have_text(
        "Your check-in before your next appointment"
    )
    for n in range(1, 9):
        _answer(client, "phq9", f"q{n}", "Not at all")
    _answer(client, "phq9", "q9", "Several days")
    _answer(client, "phq9", "difficulty", "Somewhat difficult")
    for n in range(1, 8):
        _answer(client, "gad7", f"q{n}", "Not at all")
    expect(client.get_by_text("Answered 17 of 18 questions")).to_be_visible()
    click(client, client.get_by_role("button", name="Send my answers"))

    crisis = client.get_by_role("alert").filter(has_text="help is available right now")
    expect(crisis).to_be_in_viewport()  # at the top, at once, on a phone
    expect(crisis.get_by_role("link", name="988")).to_have_attribute("href", "tel:988")
    expect(crisis).to_contain_text("This form is not monitored in real time.")
    assert Response.objects.filter(client=cast.client).count() == 2
    assert SafetyAlert.objects.filter(client=cast.client).count() == 1

    reopened = _phone(new_page)
    _open_gone(reopened, link)
    expect(reopened.get_by_role("heading", level=1)).to_have_text(
        "This check-in has already been completed"
    )
    assert Response.objects.filter(client=cast.client).count() == 2


def test_it_tells_the_client_an_expired_link_has_expired(
    new_page: Callable[[], Page], cast: SimpleNamespace, live_server, settings
) -> None:
    settings.RAPPORT_BASE_URL = live_server.url
    schedule_invitation(cast.client, cast.episode)
    link = _run_jobs()
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    client = _phone(new_page)
    _open_gone(client, link)
    expect(client.get_by_role("heading", level=1)).to_have_text("This link has expired")
    expect(client.get_by_text("Nothing was recorded.", exact=False)).to_be_visible()
    assert token_from(link)
    assert not Response.objects.exists()
