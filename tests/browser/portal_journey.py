"""What the whole-portal journeys share (issue 11, "Done when"): a client with everything
due at once, and what the therapist's next session note must then show.

The English journey (test_portal_journey.py) and the Spanish one (test_portal_spanish.py)
prepare the same client, walk the same steps in the client's language, and end on the
same check of the therapist's (English) next note.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from rapport.ipt.models import PracticeEntry, PracticeKind
from rapport.measures.invitations import new_token
from rapport.measures.models import Invitation, Response
from rapport.scheduling.booking import book
from rapport.scheduling.models import Appointment
from tests.browser.harness import sign_in, visit
from tests.browser.questionnaire_helpers import with_crisis_resources
from tests.factories import make_note
from tests.portal import plan_helpers as plan
from tests.portal.practice_helpers import assign


def prepare(cast: SimpleNamespace) -> SimpleNamespace:
    """Everything due at once: a PHQ-9, mood and communication practice, the contract to
    acknowledge, and an appointment next week."""
    with_crisis_resources(cast.clinic)
    now = timezone.now()
    Invitation.objects.create(
        client=cast.client,
        context_id=cast.episode.public_id,
        session_number=2,
        instruments=["phq9"],
        token_hash=new_token()[1],
        status=Invitation.Status.SENT,
        send_at=now,
        sent_at=now,
        expires_at=now + dt.timedelta(hours=72),
    )
    assign(cast, PracticeKind.MOOD)
    assign(cast, PracticeKind.COMMUNICATION)
    episode = plan.plan_episode(cast.episode, adolescent=False)
    contract = plan.agree_contract(episode)
    plan.write_safety_plan(episode)
    plan.approve_summary(episode)
    starts = now.replace(second=0, microsecond=0) + dt.timedelta(days=7)
    appointment = book(
        clinic=cast.clinic,
        therapist=cast.therapist,
        client=cast.client,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=50),
        kind=Appointment.Kind.SESSION,
        by=cast.intake,
    )
    return SimpleNamespace(contract=contract, appointment=appointment)


def calendar_file(page: Page, link_name: str) -> str:
    """Download the first upcoming appointment's calendar file; its text."""
    coming = page.locator(".portal-appointment").first
    with page.expect_download() as download:
        coming.get_by_role("link", name=link_name).click()
    return Path(download.value.path()).read_text(encoding="utf-8")


def therapist_sees_it_all_in_the_next_note(
    page: Page, cast: SimpleNamespace, words: dict[str, str], *, phq9_total: int
) -> None:
    """The therapist's next note: the PHQ-9 among the scores, the practice and the
    contract's acknowledgement in the opening review; the contract page shows it too."""
    sign_in(page, cast.therapist)
    second = make_note(cast.episode, number=2, held_on=timezone.localdate())
    visit(page, reverse("ipt:note", args=[second.public_id]))
    scores = page.locator("table.note-scores")
    expect(scores.get_by_role("row").filter(has_text="PHQ-9")).to_contain_text(str(phq9_total))
    review = page.get_by_role("region", name="Opening review: practice since the last session")
    for text in words.values():
        expect(review).to_contain_text(text)
    expect(review.locator(".mood-list li")).to_have_count(1)
    expect(review).to_contain_text(
        f"The client acknowledged the treatment contract (version {cast_contract_version(cast)})"
        " in the portal"
    )
    assert PracticeEntry.objects.count() == 2
    assert Response.objects.get(client=cast.client).mode == Response.Mode.PORTAL

    visit(page, reverse("ipt:contract", args=[cast.episode.public_id]))
    expect(page.get_by_text("Acknowledged electronically in the client portal on")).to_be_visible()


def cast_contract_version(cast: SimpleNamespace) -> int:
    return cast.episode.contracts.get(portal_acknowledged_at__isnull=False).version
