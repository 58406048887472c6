"""Questionnaires, progress and after the course in the portal, on a phone.

The client signs in by e-mailed link, answers the PHQ-9 due (once calmly, once with
item 9 positive: crisis resources at once, and the therapist's alert), sees their
scores when the clinic shows them; after the course, a "things are slipping"
check-in reaches the therapist and a booster request reaches the staff who book.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from rapport.ipt.models import Episode, MaintenancePlan
from rapport.measures.invitations import new_token
from rapport.measures.models import (
    Invitation,
    MeasuresSettings,
    Response,
    SafetyAlert,
    SelfCheck,
)
from rapport.measures.services import record_response
from tests.browser.harness import click, expect_path, sign_in, visit
from tests.browser.portal_helpers import NARROWEST, portal_phone, sign_in_portal
from tests.browser.questionnaire_helpers import answer, with_crisis_resources
from tests.factories import make_portal_account

pytestmark = pytest.mark.browser


def _invite(cast: SimpleNamespace, session: int) -> Invitation:
    """A PHQ-9 sent before a session (as the worker leaves it once its e-mail is queued)."""
    now = timezone.now()
    return Invitation.objects.create(
        client=cast.client,
        context_id=cast.episode.public_id,
        session_number=session,
        instruments=["phq9"],
        token_hash=new_token()[1],
        status=Invitation.Status.SENT,
        send_at=now,
        sent_at=now,
        expires_at=now + timedelta(hours=72),
    )


def _phq9(page: Page, *, item9: str = "Not at all", rest: str = "Several days") -> None:
    for n in range(1, 9):
        answer(page, "phq9", f"q{n}", rest)
    answer(page, "phq9", "q9", item9)
    answer(page, "phq9", "difficulty", "Somewhat difficult")


def test_it_answers_the_phq9_due_in_the_portal_with_the_safety_workflow(
    new_page: Callable[[], Page], cast: SimpleNamespace, live_server, settings
) -> None:
    settings.RAPPORT_BASE_URL = live_server.url
    with_crisis_resources(cast.clinic)
    MeasuresSettings.objects.update_or_create(
        clinic=cast.clinic, defaults={"portal_score_history": True}
    )
    _invite(cast, 2)
    account = make_portal_account(cast.client, email="client@example.com")

    page = portal_phone(new_page)
    sign_in_portal(page, live_server, account)
    due = page.get_by_role("link", name="Answer your questionnaires (PHQ-9)")
    expect(due).to_be_visible()
    click(page, due)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your questionnaires before your next appointment"
    )
    _phq9(page)
    click(page, page.get_by_role("button", name="Send my answers"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your answers are sent")
    expect(page.get_by_text("help is available right now")).to_have_count(0)
    assert Response.objects.get(client=cast.client).mode == Response.Mode.PORTAL

    # The next one: item 9 answered "More than half the days".
    _invite(cast, 3)
    visit(page, reverse("portal:questionnaires"))
    click(page, page.get_by_role("link", name="Answer your questionnaires: PHQ-9"))
    _phq9(page, item9="More than half the days", rest="Not at all")
    click(page, page.get_by_role("button", name="Send my answers"))
    crisis = page.get_by_role("alert").filter(has_text="help is available right now")
    expect(crisis).to_be_in_viewport()  # at the top, at once, on a phone
    expect(crisis.get_by_role("link", name="988")).to_have_attribute("href", "tel:988")
    alert = SafetyAlert.objects.get(client=cast.client)
    assert alert.owner == cast.therapist
    assert alert.status == SafetyAlert.Status.OPEN

    # Nothing left to answer; the scores, in plain words, on the narrowest phone too, with
    # a score brought in from earlier records marked as imported.
    _imported_score(cast)
    visit(page, reverse("portal:questionnaires"))
    expect(page.get_by_text("Nothing to answer right now.")).to_be_visible()
    click(page, page.get_by_role("link", name="See how your answers have changed over time"))
    expect(page.get_by_role("img", name="Mood (PHQ-9)")).to_be_visible()
    table = page.get_by_role("table")
    expect(table).to_contain_text("mild")
    expect(table).to_contain_text("few or no symptoms")
    expect(table.get_by_role("row").last).to_contain_text("imported")  # oldest, last
    expect(page.locator("body")).not_to_contain_text("caseness")
    page.set_viewport_size(NARROWEST)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROWEST["width"], width


def _imported_score(cast: SimpleNamespace) -> None:
    """A PHQ-9 from earlier records, as an import stores it (marked as imported)."""
    import uuid

    from rapport.measures.imported import record_imported
    from rapport.measures.instruments import get

    record_imported(
        client=cast.client,
        instrument=get("phq9"),
        answers={f"q{n}": 1 for n in range(1, 9)} | {"q9": 0, "difficulty": 1},
        total=None,
        submitted_at=timezone.now() - timedelta(days=400),
        entered_by=cast.therapist,
        import_id=uuid.uuid4(),
        source_detail="CSV row 2",
    )


def _after_the_course(cast: SimpleNamespace) -> None:
    for total in (15, 4):
        answers = {f"q{n}": 0 for n in range(1, 10)} | {"difficulty": 1}
        for n in range(total):
            answers[f"q{n % 8 + 1}"] += 1
        record_response(
            client=cast.client,
            instrument_code="phq9",
            answers=answers,
            mode=Response.Mode.IN_SESSION,
            context_id=cast.episode.public_id,
        )
    Episode.objects.filter(pk=cast.episode.pk).update(
        status=Episode.Status.CLOSED,
        closed_on=date(2026, 11, 20),
        close_reason=Episode.CloseReason.COMPLETED,
    )
    MaintenancePlan.objects.create(
        episode=cast.episode,
        gains="I talk to my sister again.",
        warning_signs="Staying in bed past ten.",
        coping_strategies="A walk with a friend.",
        supports="My sister; my GP.",
        decision=MaintenancePlan.Decision.NONE,
        updated_by=cast.therapist,
    )


def test_it_tells_the_therapist_when_a_maintenance_client_is_slipping(
    new_page: Callable[[], Page], cast: SimpleNamespace, live_server, settings
) -> None:
    settings.RAPPORT_BASE_URL = live_server.url
    with_crisis_resources(cast.clinic)
    _after_the_course(cast)
    account = make_portal_account(cast.client, email="client@example.com")

    page = portal_phone(new_page)
    sign_in_portal(page, live_server, account)
    click(page, page.get_by_role("link", name="Your plan for after the course"))
    expect_path(page, "portal:after_course")
    expect(page.get_by_text("Staying in bed past ten.")).to_be_visible()
    expect(page.get_by_text("A walk with a friend.")).to_be_visible()
    click(page, page.get_by_role("link", name="Take the check-in"))
    page.set_viewport_size(NARROWEST)  # the questions fit the narrowest phone
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROWEST["width"], width
    _phq9(page, rest="More than half the days")  # 16: back in the moderate range
    click(page, page.get_by_role("button", name="Send my answers"))
    expect(page.get_by_text("Your therapist has been told")).to_be_visible()
    check = SelfCheck.objects.get(client=cast.client)
    assert "caseness" in check.reasons
    click(page, page.get_by_role("button", name="Ask for a booster session"))
    expect(page.get_by_text("Your request for a booster session has been sent.")).to_be_visible()

    therapist = new_page()
    sign_in(therapist, cast.therapist)
    panel = therapist.get_by_role("region", name="After the course: check-ins and booster requests")
    expect(panel).to_contain_text("a check-in in the portal needs your review")
    expect(panel).to_contain_text("The client asks for a booster session.")
    click(therapist, panel.get_by_role("button", name="Mark as seen"))
    expect(therapist.get_by_text("Marked as seen.")).to_be_visible()

    intake = new_page()
    sign_in(intake, cast.intake)
    booking = intake.get_by_role("region", name="After the course: check-ins and booster requests")
    expect(booking).to_contain_text(cast.client.display_name)
    click(intake, booking.get_by_role("button", name="Booster request taken in hand"))
    expect(intake.get_by_text("The booster request is marked as taken in hand.")).to_be_visible()
    check.refresh_from_db()
    assert check.booster_handled_by == cast.intake
