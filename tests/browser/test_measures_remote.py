"""Remote questionnaires in the browser: the therapist sends a link, the client answers on
a phone, sees crisis resources at once, and the link then refuses to be used again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from rapport.measures.models import Invitation, Response, SafetyAlert
from tests.browser.harness import audit, click, sign_in, visit, watched
from tests.browser.questionnaire_helpers import answer, phone, run_jobs, with_crisis_resources
from tests.measures.admin_helpers import schedule_invitation, token_from

pytestmark = pytest.mark.browser


def _open_gone(page: Page, link: str) -> None:
    """A used or expired link answers 410; Chromium logs that one response, nothing else."""
    page.goto(link)
    errors = watched(page).take_errors()
    assert errors
    assert all("status of 410" in error for error in errors), errors
    audit(page)


def test_it_takes_a_client_from_the_e_mailed_link_to_crisis_resources_on_aphone(
    new_page: Callable[[], Page], cast: SimpleNamespace, live_server, settings
) -> None:
    settings.RAPPORT_BASE_URL = live_server.url
    with_crisis_resources(cast.clinic)

    therapist = new_page()
    sign_in(therapist, cast.therapist)
    visit(therapist, reverse("ipt:measures", args=[cast.episode.public_id]))
    expect(therapist.get_by_text("Due by the schedule: PHQ-9, GAD-7.")).to_be_visible()
    click(therapist, therapist.get_by_role("button", name="Send questionnaires"))
    expect(therapist.get_by_text("Questionnaire link on its way")).to_be_visible()

    link = run_jobs()
    assert cast.client.given_name not in mail.outbox[0].body

    client = phone(new_page)
    visit(client, link)
    expect(client.get_by_role("heading", level=1)).to_have_text(
        "Your check-in before your next appointment"
    )
    for n in range(1, 9):
        answer(client, "phq9", f"q{n}", "Not at all")
    answer(client, "phq9", "q9", "Several days")
    answer(client, "phq9", "difficulty", "Somewhat difficult")
    for n in range(1, 8):
        answer(client, "gad7", f"q{n}", "Not at all")
    expect(client.get_by_text("Answered 17 of 18 questions")).to_be_visible()
    click(client, client.get_by_role("button", name="Send my answers"))

    crisis = client.get_by_role("alert").filter(has_text="help is available right now")
    expect(crisis).to_be_in_viewport()  # at the top, at once, on a phone
    expect(crisis.get_by_role("link", name="988")).to_have_attribute("href", "tel:988")
    expect(crisis).to_contain_text("This form is not monitored in real time.")
    assert Response.objects.filter(client=cast.client).count() == 2
    assert SafetyAlert.objects.filter(client=cast.client).count() == 1

    reopened = phone(new_page)
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
    link = run_jobs()
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    client = phone(new_page)
    _open_gone(client, link)
    expect(client.get_by_role("heading", level=1)).to_have_text("This link has expired")
    expect(client.get_by_text("Nothing was recorded.", exact=False)).to_be_visible()
    assert token_from(link)
    assert not Response.objects.exists()
