"""IPT-A in the browser: the manual chosen with its defaults shown, a parent on the
episode with consent, assent and the confidentiality agreement, and the parent
attending the first session (issue 15 items 2 and 7)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from rapport.ipt.catalogue import Variant
from rapport.ipt.models import (
    ConfidentialityAgreement,
    ConsentRecord,
    Episode,
    Participant,
    ParticipantAttendance,
    VariantChange,
)
from tests.browser.harness import audit, click, expect_path, sign_in, visit, watched
from tests.factories import make_client, make_note

pytestmark = pytest.mark.browser


def _refused(page: Page, button: str) -> None:
    """Submit a form the server refuses with 400 and its explanation."""
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()
    watched(page).take_errors()  # the browser reports the 400 it was shown
    audit(page)


def _start_an_adolescent_episode(page: Page, cast: SimpleNamespace) -> Episode:
    teen = make_client(cast.clinic, cast.therapist, given_name="Lena", family_name="Ortiz")
    sign_in(page, cast.therapist)
    click(page, page.get_by_role("link", name="Clients", exact=True))
    click(page, page.get_by_role("link", name="Lena Ortiz"))
    click(page, page.get_by_role("link", name="Clinical", exact=True))
    click(page, page.get_by_role("link", name="Start an IPT episode"))
    page.get_by_label("Manual").select_option(label="IPT-A for adolescents (Mufson et al.)")
    click(page, page.get_by_role("button", name="Review and start"))
    # The defaults the manual brings, before anything is created.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Start an episode of IPT-A for adolescents (Mufson et al.)?"
    )
    expect(page.get_by_text("12 by default (12–16 in an initial contract)")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(r"^PHQ-A"))).to_contain_text(
        "added to the schedule"
    )
    expect(page.get_by_role("note")).to_contain_text("[VERIFY]")
    assert not Episode.objects.filter(client=teen).exists()
    click(page, page.get_by_role("button", name="Start episode"))
    episode = Episode.objects.get(client=teen)
    expect_path(page, "ipt:episode", episode.public_id)
    expect(page.get_by_text("0 of 13 initial-phase tasks done")).to_be_visible()
    return episode


def test_an_adolescent_episode_with_a_parent_attending_the_first_session(
    page: Page, cast: SimpleNamespace
) -> None:
    episode = _start_an_adolescent_episode(page, cast)
    click(page, page.get_by_role("link", name="Participants, consent and confidentiality"))
    expect_path(page, "ipt:participants", episode.public_id)
    expect(page.get_by_text("No one besides the client takes part yet.")).to_be_visible()

    # A parent with what the therapist has agreed to share; a missing contact is explained.
    page.get_by_label("Name", exact=True).fill("Marta Ortiz")
    page.get_by_label("Relationship to the client").fill("mother")
    _refused(page, "Add person")
    expect(page.get_by_role("alert").first).to_be_visible()
    assert not Participant.objects.exists()
    page.get_by_label("Contact details").fill("marta@example.com")
    page.locator("#id_person-has_legal_authority").check()
    page.locator("#id_person-may_receive_attendance").check()
    page.locator("#id_person-may_receive_safety_plan").check()
    click(page, page.get_by_role("button", name="Add person"))
    expect(page.get_by_role("status").first).to_contain_text("Marta Ortiz added to the episode.")
    parent = Participant.objects.get(episode=episode)

    # The parent consents; the adolescent assents.
    page.locator("#id_consent-kind").select_option("consent")
    page.locator("#id_consent-signer").select_option(label="Marta Ortiz (mother)")
    click(page, page.get_by_role("button", name="Record", exact=True))
    page.locator("#id_consent-kind").select_option("assent")
    click(page, page.get_by_role("button", name="Record", exact=True))
    assert {(c.kind, c.signer_id) for c in ConsentRecord.objects.all()} == {
        ("consent", parent.pk),
        ("assent", None),
    }

    # The confidentiality limits, explained to both together.
    page.locator("#id_confidentiality-explained_to_client").check()
    page.locator("#id_confidentiality-explained_to_guardians").check()
    click(page, page.get_by_role("button", name="Record agreement"))
    agreement = ConfidentialityAgreement.objects.get(episode=episode)
    assert agreement.breaks_for_self_harm
    assert agreement.explained_to_guardians

    # Session 1, with the parent there for the joint part.
    make_note(episode)
    page.reload()
    audit(page)
    click(page, page.get_by_role("link", name="Attendance at session 1"))
    fields = page.get_by_role("group", name="Marta Ortiz (mother)")
    fields.get_by_label("Present").check()
    fields.get_by_label("Joined the joint part").check()
    click(page, page.get_by_role("button", name="Save attendance"))
    expect(page.get_by_role("status").first).to_contain_text("Attendance recorded for session 1")
    row = page.get_by_role("row", name=re.compile(r"^1 "))
    expect(row).to_contain_text("Marta Ortiz")
    attended = ParticipantAttendance.objects.get(participant=parent)
    assert (attended.present, attended.joint, attended.seen_alone) == (True, True, False)


def test_the_manual_of_a_running_episode_changes_after_its_review(
    page: Page, cast: SimpleNamespace
) -> None:
    sign_in(page, cast.therapist)
    visit(page, reverse("ipt:variant", args=[cast.episode.public_id]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Manual: Individual IPT")
    page.get_by_label("New manual").select_option(label="IPT for PTSD (Markowitz)")
    _refused(page, "Review the change")
    expect(page.get_by_text("Say why the manual changes.").first).to_be_visible()
    page.get_by_label("New manual").select_option(label="IPT for PTSD (Markowitz)")
    page.get_by_label("Reason for the change").fill("Chronic PTSD after the assault.")
    click(page, page.get_by_role("button", name="Review the change"))
    expect(page.get_by_role("row", name=re.compile(r"^Sessions by default"))).to_contain_text("14")
    assert not VariantChange.objects.exists()
    click(page, page.get_by_role("button", name="Confirm the change of manual"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Manual: IPT for PTSD")
    expect(page.get_by_text("Chronic PTSD after the assault.")).to_be_visible()
    cast.episode.refresh_from_db()
    assert cast.episode.variant == Variant.PTSD
