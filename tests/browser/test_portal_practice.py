"""Between-session practice and secure messages, in the browser (issue 11 items 5 and 8).

The therapist assigns practice from a note; the client, on a phone, writes a mood entry
and a communication analysis; a mood of 1 shows crisis numbers at once and raises an
alert; the therapist's next note shows the opening review. Then a message round trip
with the navigation's unread badge. Axe runs on every page.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from rapport.ipt.models import PracticeAssignment, PracticeEntry
from rapport.measures.models import SafetyAlert
from rapport.portal.models import Message, PortalSettings
from tests.browser.harness import audit, click, expect_path, sign_in, visit
from tests.browser.portal_helpers import NARROWEST, portal_phone, sign_in_portal
from tests.factories import make_note, make_portal_account

pytestmark = pytest.mark.browser

ANALYSIS = {
    "What happened?": "My sister cancelled our lunch again.",
    "What did I say?": "Fine, whatever.",
    "What did I mean?": "I miss you and I felt let down.",
    "What did they hear?": "That I did not care.",
    "How did I feel?": "Hurt, then angry at myself.",
    "What else could I say next time?": "I was looking forward to it. Can we pick a day?",
}


def _fits(page: Page) -> None:
    """Nothing wider than the screen: no sideways scrolling on a phone."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _rate_mood(client: Page, value: str, event: str = "") -> None:
    visit(client, reverse("portal:practice"))
    click(client, client.get_by_role("link", name="Rate your mood today"))
    client.get_by_label(value, exact=True).check()
    if event:
        client.get_by_label("Anything that happened with someone today").fill(event)
    click(client, client.get_by_role("button", name="Save"))


def test_practice_from_assignment_to_the_next_notes_opening_review(
    page: Page, new_page: Callable[[], Page], live_server: LiveServer, cast: SimpleNamespace
) -> None:
    # The therapist assigns practice from the session note.
    sign_in(page, cast.therapist)
    visit(page, reverse("ipt:note", args=[cast.note.public_id]))
    assign = page.get_by_role("region", name="Assign practice before next session")
    assign.get_by_label("Daily mood rating").check()
    assign.get_by_label("Communication-analysis worksheet").check()
    assign.get_by_label("Instruction for the client").fill("Look at the Sunday phone call.")
    click(page, assign.get_by_role("button", name="Assign practice"))
    expect(page.locator(".messages")).to_contain_text("2 practices assigned")
    assert PracticeAssignment.objects.current().count() == 2

    # The client, on a phone, sees it due and writes a mood entry.
    client = portal_phone(new_page)
    sign_in_portal(client, live_server, make_portal_account(cast.client))
    expect(client.get_by_role("link", name="Rate your mood today")).to_be_visible()
    _rate_mood(client, "6", "Walked with Jo and talked.")
    expect_path(client, "portal:practice_entry", PracticeEntry.objects.get().public_id)
    expect(client.get_by_role("main")).to_contain_text("Walked with Jo and talked.")
    expect(client.get_by_role("alert")).to_have_count(0)

    # A communication analysis, field by field, with the therapist's instruction shown.
    visit(client, reverse("portal:practice"))
    expect(client.get_by_role("main")).to_contain_text("Look at the Sunday phone call.")
    click(client, client.get_by_role("link", name="Fill in a communication analysis"))
    for label, text in ANALYSIS.items():
        client.get_by_label(label).fill(text)
    click(client, client.get_by_role("button", name="Save"))
    expect(client.get_by_role("main")).to_contain_text("That I did not care.")

    # A mood of 1: crisis numbers at once, on the confirmation page itself, and an alert.
    client.set_viewport_size(NARROWEST)
    _rate_mood(client, "1")
    crisis = client.get_by_role("alert")
    expect(crisis).to_contain_text("help is available right now")
    expect(crisis).to_contain_text(cast.clinic.crisis_resources[0]["contact"])
    _fits(client)
    alert = SafetyAlert.objects.get()
    assert (alert.source, alert.value, alert.owner) == ("practice", 1, cast.therapist)

    # The alert page names what raised it, without the client's words.
    visit(page, reverse("measures:alert", args=[alert.public_id]))
    expect(page.get_by_role("main")).to_contain_text("mood rating 1 in practice")

    # The therapist's next note opens with the practice since the last session.
    second = make_note(cast.episode, number=2, held_on=timezone.localdate())
    visit(page, reverse("ipt:note", args=[second.public_id]))
    review = page.get_by_role("region", name="Opening review: practice since the last session")
    expect(review).to_contain_text("Walked with Jo and talked.")
    expect(review).to_contain_text("I was looking forward to it. Can we pick a day?")
    expect(review.locator(".mood-list li")).to_have_count(2)
    expect(review).to_contain_text("raised a safety alert")
    click(page, review.get_by_role("link", name="All practice entries"))
    expect(page.get_by_role("main")).to_contain_text("Hurt, then angry at myself.")


def test_a_message_round_trip_with_the_unread_badge(
    page: Page, new_page: Callable[[], Page], live_server: LiveServer, cast: SimpleNamespace
) -> None:
    PortalSettings.objects.create(clinic=cast.clinic, messages_enabled=True)
    client = portal_phone(new_page)
    sign_in_portal(client, live_server, make_portal_account(cast.client))
    click(client, client.get_by_role("link", name="Messages"))
    expect(client.get_by_role("main")).to_contain_text("not monitored around the clock")
    client.get_by_role("textbox", name="Your message").fill(
        "Could we talk about my mother next time?"
    )
    click(client, client.get_by_role("button", name="Send"))
    expect(client.get_by_role("heading", level=1)).to_have_text("Your message is sent")
    expect(client.get_by_role("alert")).to_have_count(0)

    # The therapist sees the unread count in the navigation and on the client record.
    sign_in(page, cast.therapist)
    expect(page.locator(".nav-badge-messages")).to_have_text("1")
    visit(page, reverse("clients:clinical", args=[cast.client.public_id]))
    panel = page.get_by_role("region", name="Secure messages")
    expect(panel).to_contain_text("1 unread message")
    click(page, panel.get_by_role("link", name="Open the thread"))
    expect(page.get_by_role("main")).to_contain_text("Could we talk about my mother next time?")
    page.get_by_label("Reply to the client").fill("Yes, let's start with that on Tuesday.")
    click(page, page.get_by_role("button", name="Send reply"))
    expect(page.get_by_role("main")).to_contain_text("Yes, let's start with that on Tuesday.")
    assert Message.objects.filter(read_at__isnull=True).count() == 1  # the reply, unread

    # The client reads the reply; a message with a risk phrase shows the crisis numbers.
    visit(client, reverse("portal:messages"))
    expect(client.get_by_role("main")).to_contain_text("Yes, let's start with that on Tuesday.")
    client.get_by_role("textbox", name="Your message").fill("Some days I want to die.")
    click(client, client.get_by_role("button", name="Send"))
    expect(client.get_by_role("alert")).to_contain_text("help is available right now")
    assert SafetyAlert.objects.get().source == "message"
    audit(client)


def test_assigning_nothing_keeps_the_instruction_and_a_stopped_practice_keeps_the_words(
    page: Page, new_page: Callable[[], Page], live_server: LiveServer, cast: SimpleNamespace
) -> None:
    sign_in(page, cast.therapist)
    visit(page, reverse("ipt:note", args=[cast.note.public_id]))
    assign = page.get_by_role("region", name="Assign practice before next session")
    assign.get_by_label("Instruction for the client").fill("The talk with your manager.")
    click(page, assign.get_by_role("button", name="Assign practice"))
    expect(page.locator(".error-summary")).to_contain_text("Choose at least one kind")
    expect(page.get_by_label("Instruction for the client")).to_have_value(
        "The talk with your manager."
    )
    page.get_by_label("Role-play preparation").check()
    click(page, page.get_by_role("button", name="Assign practice"))
    expect(page.locator(".messages")).to_contain_text("Practice assigned")

    # The client starts preparing; meanwhile the therapist stops the practice.
    client = portal_phone(new_page)
    sign_in_portal(client, live_server, make_portal_account(cast.client))
    click(client, client.get_by_role("link", name="Prepare a conversation"))
    expect(client.get_by_role("main")).to_contain_text("The talk with your manager.")
    client.get_by_label("Who is the conversation with?").fill("My manager, Pat")
    client.get_by_label("What do I want from it?").fill("Fewer late shifts")
    client.get_by_label("How will I start?").fill("Can we look at the rota together?")
    client.get_by_label("What might they say?").fill("Everyone wants that.")
    client.get_by_label("How could I answer?").fill("I understand; two evenings would help.")

    visit(page, reverse("ipt:practice", args=[cast.episode.public_id]))
    click(page, page.get_by_role("button", name="Stop Role-play preparation"))
    expect(page.locator(".messages")).to_contain_text("Practice stopped")

    click(client, client.get_by_role("button", name="Save"))
    expect(client.get_by_role("heading", level=1)).to_have_text("This practice has stopped")
    expect(client.get_by_role("main")).to_contain_text("Can we look at the rota together?")
    assert not PracticeEntry.objects.exists()
