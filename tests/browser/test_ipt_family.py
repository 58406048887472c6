"""FB-IPT in the browser (issue 15 item 3): a therapist opens a child's family-based
episode, records session 4 as a parent-only session with the parent's attendance, the
note showing the manual's sections for it; then logs a contact with the parent."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from rapport.ipt import variants
from rapport.ipt.models import CaregiverContact, Participant, ParticipantAttendance, SessionNote
from tests.browser.harness import audit, click, expect_path, sign_in, visit, watched
from tests.factories import make_client, make_episode, make_note

pytestmark = pytest.mark.browser


@pytest.fixture
def child(cast: SimpleNamespace) -> SimpleNamespace:
    client = make_client(cast.clinic, cast.therapist, given_name="Noa", family_name="Levi")
    episode = make_episode(client, variant=variants.for_age_group("child"))
    parent = Participant.objects.create(
        episode=episode,
        role="parent_caregiver",
        name="Ruth Levi",
        relationship="mother",
        contact="555 0101",
        has_legal_authority=True,
        added_by=cast.therapist,
    )
    for number in (1, 2, 3):
        make_note(episode, number, status=SessionNote.Status.SIGNED, session_format="parent_child")
    note = make_note(episode, 4)
    return SimpleNamespace(client=client, episode=episode, parent=parent, note=note)


def test_a_parent_only_session_with_attendance_then_a_parent_contact(
    page: Page, cast: SimpleNamespace, child: SimpleNamespace
) -> None:
    sign_in(page, cast.therapist)
    visit(page, reverse("ipt:episode", args=[child.episode.public_id]))
    visit(page, reverse("ipt:note", args=[child.note.public_id]))
    panel = page.get_by_role("region", name="This session in the manual")
    expect(panel).to_contain_text("Session 4 of the plan: Parent tips.")
    expect(panel).to_contain_text("Usually held with: Parent and child.")
    expect(panel.get_by_label("Joint check-in")).to_be_visible()
    expect(panel.get_by_label("Time with the child")).to_be_visible()

    # Held with the mother only: after saving, only the parent's segment is asked for.
    panel.get_by_label("Parent only").check()
    panel.get_by_label("Time with the parent").fill("Parent tips: praise small steps.")
    click(page, page.get_by_role("button", name="Save draft"))
    expect(page.get_by_role("status").first).to_contain_text("Draft saved.")
    panel = page.get_by_role("region", name="This session in the manual")
    expect(panel.get_by_label("Parent only")).to_be_checked()
    expect(panel.get_by_label("Time with the parent")).to_have_value(
        "Parent tips: praise small steps."
    )
    expect(panel.get_by_label("Joint check-in")).to_have_count(0)
    expect(panel.get_by_label("Time with the child")).to_have_count(0)
    expect(panel).to_contain_text("Attendance not recorded yet.")
    child.note.refresh_from_db()
    assert child.note.session_format == "parent_only"

    # The mother's attendance, from the note.
    click(page, panel.get_by_role("link", name="Record who attended"))
    fields = page.get_by_role("group", name="Ruth Levi (mother)")
    fields.get_by_label("Present").check()
    fields.get_by_label("Seen alone").check()
    click(page, page.get_by_role("button", name="Save attendance"))
    expect(page.get_by_role("status").first).to_contain_text("Attendance recorded for session 4")
    attended = ParticipantAttendance.objects.get(participant=child.parent)
    assert (attended.present, attended.joint, attended.seen_alone) == (True, False, True)
    visit(page, reverse("ipt:note", args=[child.note.public_id]))
    expect(page.get_by_text("Ruth Levi: present, seen alone")).to_be_visible()

    # A call from the mother between sessions, in the contact log.
    visit(page, reverse("ipt:participants", args=[child.episode.public_id]))
    click(page, page.get_by_role("link", name="Log of contacts with parents"))
    expect_path(page, "ipt:caregiver_contacts", child.episode.public_id)
    expect(page.get_by_text("No contacts logged yet.")).to_be_visible()
    page.get_by_label("Mode").select_option(label="Telephone")
    page.get_by_label("Initiated by").select_option(label="The parent or caregiver")
    page.get_by_label("About").select_option(label="Scheduling")
    page.get_by_role("group", name=re.compile("told of the contact")).get_by_label("No").check()
    page.get_by_label("Summary").fill("Asked to move the next session to Thursday.")
    with page.expect_navigation():
        page.get_by_role("button", name="Log contact").click()
    watched(page).take_errors()  # the browser reports the 400 it was shown
    audit(page)
    expect(page.get_by_text("Say why the young person was not told").first).to_be_visible()
    assert not CaregiverContact.objects.exists()
    page.get_by_label("Why not").fill("Only about the time of the session.")
    click(page, page.get_by_role("button", name="Log contact"))
    expect(page.get_by_role("status").first).to_contain_text("Contact recorded in the log.")
    row = page.get_by_role("row", name=re.compile("Ruth Levi"))
    expect(row).to_contain_text("Asked to move the next session to Thursday.")
    expect(row).to_contain_text("Only about the time of the session.")
    assert CaregiverContact.objects.get().participant == child.parent
