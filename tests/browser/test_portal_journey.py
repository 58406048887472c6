"""The client portal from end to end, as issue 11's "Done when" reads, on a phone with axe
on every page: a client signs in by the e-mailed link, sees what is due, answers a PHQ-9,
writes a mood entry and a communication analysis, acknowledges the treatment contract and
downloads an appointment; then the therapist sees all of it in the next session note.

The guardian's shared view and the maintenance client's "slipping" check-in have their own
journeys (test_portal_plan.py, test_portal_home.py; test_portal_questionnaires.py).
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.harness import click, visit
from tests.browser.portal_helpers import portal_phone, sign_in_portal
from tests.browser.portal_journey import (
    calendar_file,
    prepare,
    therapist_sees_it_all_in_the_next_note,
)
from tests.browser.questionnaire_helpers import answer
from tests.factories import make_portal_account

pytestmark = pytest.mark.browser

MOOD_EVENT = "Walked with Jo and talked."
ANALYSIS = {
    "What happened?": "My sister cancelled our lunch again.",
    "What did I say?": "Fine, whatever.",
    "What did I mean?": "I miss you and I felt let down.",
    "What did they hear?": "That I did not care.",
    "How did I feel?": "Hurt, then angry at myself.",
    "What else could I say next time?": "I was looking forward to it. Can we pick a day?",
}
DUE = (
    "Answer your questionnaires (PHQ-9)",
    "Rate your mood today",
    "Fill in a communication analysis",
    "Read and acknowledge your treatment agreement",
)


def test_a_client_does_everything_due_and_the_therapist_sees_it_in_the_next_note(
    new_page: Callable[[], Page], live_server: LiveServer, cast: SimpleNamespace
) -> None:
    journey = prepare(cast)
    phone = portal_phone(new_page)
    sign_in_portal(phone, live_server, make_portal_account(cast.client))

    # What is due, on the home page.
    to_do = phone.get_by_role("region", name="To do")
    for item in DUE:
        expect(to_do.get_by_role("link", name=item)).to_be_visible()

    # The PHQ-9 (8 in all: "several days" on items 1-8).
    click(phone, to_do.get_by_role("link", name="Answer your questionnaires (PHQ-9)"))
    for n in range(1, 9):
        answer(phone, "phq9", f"q{n}", "Several days")
    answer(phone, "phq9", "q9", "Not at all")
    answer(phone, "phq9", "difficulty", "Somewhat difficult")
    click(phone, phone.get_by_role("button", name="Send my answers"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you: your answers are sent")

    # A mood entry with an interpersonal event, then a communication analysis.
    visit(phone, reverse("portal:home"))
    click(phone, phone.get_by_role("link", name="Rate your mood today"))
    phone.get_by_label("6", exact=True).check()
    phone.get_by_label("Anything that happened with someone today").fill(MOOD_EVENT)
    click(phone, phone.get_by_role("button", name="Save"))
    expect(phone.get_by_role("main")).to_contain_text(MOOD_EVENT)
    visit(phone, reverse("portal:home"))
    click(phone, phone.get_by_role("link", name="Fill in a communication analysis"))
    for label, text in ANALYSIS.items():
        phone.get_by_label(label).fill(text)
    click(phone, phone.get_by_role("button", name="Save"))
    expect(phone.get_by_role("main")).to_contain_text("That I did not care.")

    # The treatment contract, acknowledged.
    visit(phone, reverse("portal:home"))
    click(phone, phone.get_by_role("link", name="Read and acknowledge your treatment agreement"))
    phone.get_by_label("I have read this agreement and I agree to it.").check()
    click(phone, phone.get_by_role("button", name="Acknowledge my agreement"))
    expect(phone.get_by_text("Your acknowledgement is recorded.")).to_be_visible()
    journey.contract.refresh_from_db()
    assert journey.contract.portal_acknowledged_at is not None

    # The appointment, to the phone's calendar: no name in the file.
    click(
        phone,
        phone.get_by_role("navigation", name="Portal").get_by_role("link", name="Appointments"),
    )
    calendar = calendar_file(phone, "to my calendar")
    assert "BEGIN:VEVENT" in calendar
    assert cast.client.family_name not in calendar

    # Done: the questionnaire and the contract have left the list.
    visit(phone, reverse("portal:home"))
    to_do = phone.get_by_role("region", name="To do")
    for done in (DUE[0], DUE[3]):
        expect(to_do.get_by_role("link", name=done)).to_have_count(0)

    therapist_sees_it_all_in_the_next_note(
        new_page(), cast, {"mood": MOOD_EVENT} | ANALYSIS, phq9_total=8
    )
