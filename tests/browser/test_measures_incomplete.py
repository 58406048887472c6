"""An unfinished check-in with a safety answer, in the browser (safety.md §5.1): on a phone the
client answers PHQ-9 item 9 but skips item 4, sees crisis resources at once, the therapist
sees the alert on the next page, the client finishes from the same link, and the link closes."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from rapport.measures.models import Invitation, Response, SafetyAlert
from tests.browser.harness import audit, click, sign_in, visit, watched
from tests.browser.questionnaire_helpers import answer, phone, run_jobs, with_crisis_resources
from tests.measures.admin_helpers import schedule_invitation

pytestmark = pytest.mark.browser


def _sent_link(cast: SimpleNamespace) -> str:
    """A link scheduled for the next session, sent by the worker's real jobs."""
    schedule_invitation(cast.client, cast.episode)
    return run_jobs()


def test_it_keeps_an_unfinished_check_in_with_a_safety_answer_and_lets_the_client_finish_it(
    new_page: Callable[[], Page], cast: SimpleNamespace, live_server, settings
) -> None:
    settings.RAPPORT_BASE_URL = live_server.url
    with_crisis_resources(cast.clinic)
    link = _sent_link(cast)

    therapist = new_page()
    sign_in(therapist, cast.therapist)
    expect(therapist.locator(".safety-banner")).to_have_count(0)

    # On the phone: item 9 "Several days", item 4 skipped, everything else answered.
    client = phone(new_page)
    visit(client, link)
    for n in (1, 2, 3, 5, 6, 7, 8):
        answer(client, "phq9", f"q{n}", "Not at all")
    answer(client, "phq9", "q9", "Several days")
    answer(client, "phq9", "difficulty", "Somewhat difficult")
    for n in range(1, 8):
        answer(client, "gad7", f"q{n}", "Not at all")
    expect(client.get_by_text("Answered 16 of 18 questions")).to_be_visible()
    click(client, client.get_by_role("button", name="Send my answers"))

    crisis = client.get_by_role("alert").filter(has_text="help is available right now")
    expect(crisis).to_be_in_viewport()  # at the top, at once, on a phone
    expect(crisis.get_by_role("link", name="988")).to_have_attribute("href", "tel:988")
    expect(crisis).to_contain_text("This form is not monitored in real time.")
    expect(client.get_by_role("heading", level=1)).to_have_text(
        "Thank you: your answers so far are sent"
    )
    expect(client.get_by_text("1 question is still unanswered.")).to_be_visible()
    incomplete = Response.objects.get(instrument="phq9")
    assert (incomplete.complete, incomplete.total) == (False, None)
    assert Response.objects.get(instrument="gad7").complete

    # The therapist's next page load shows the alert.
    visit(therapist, reverse("core:dashboard"))
    banner = therapist.locator(".safety-banner[role=alert]")
    expect(banner).to_contain_text("1 open safety alert")
    expect(banner).to_contain_text("Urgent: review today")
    expect(banner).to_contain_text(cast.client.display_name)
    visit(therapist, reverse("ipt:measures", args=[cast.episode.public_id]))
    expect(therapist.get_by_role("table").filter(has_text="incomplete")).to_be_visible()

    # Later, from the same link: only the question left.
    later = phone(new_page)
    visit(later, link)
    expect(later.get_by_role("heading", level=1)).to_have_text("Finish your check-in")
    expect(later.locator("fieldset.question")).to_have_count(1)
    answer(later, "phq9", "q4", "Several days")
    expect(later.get_by_text("Answered 1 of 1 questions")).to_be_visible()
    click(later, later.get_by_role("button", name="Send the remaining answers"))
    expect(later.get_by_role("heading", level=1)).to_have_text("Thank you: your answers are sent")
    completion = Response.objects.get(completes=incomplete)
    assert (completion.complete, completion.total) == (True, 2)
    assert SafetyAlert.objects.count() == 1  # the same answer, alerted once
    assert Invitation.objects.get().status == Invitation.Status.COMPLETED

    # The link is closed now: 410, and Chromium logs only that one response.
    gone = phone(new_page)
    gone.goto(link)
    errors = watched(gone).take_errors()
    assert errors
    assert all("status of 410" in error for error in errors), errors
    audit(gone)
    expect(gone.get_by_role("heading", level=1)).to_have_text(
        "This check-in has already been completed"
    )
