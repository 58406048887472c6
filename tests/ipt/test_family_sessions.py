"""FB-IPT sessions (issue 15 item 3, variants.md §2.2, §2.4): each session's format,
the manual's note sections for that session and format, and attendance on the note."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection
from django.urls import reverse

from rapport.ipt import variants
from rapport.ipt.catalogue import Variant
from rapport.ipt.models import Participant, ParticipantAttendance, SessionNote
from tests.factories import csrf_post, make_client, make_episode, make_note, signed_in
from tests.ipt.notes_helpers import note_form


@pytest.fixture
def child(cast: SimpleNamespace) -> SimpleNamespace:
    client = make_client(cast.clinic, cast.therapist, given_name="Noa")
    episode = make_episode(client, variant=Variant.FAMILY_BASED)
    parent = Participant.objects.create(
        episode=episode,
        role="parent_caregiver",
        name="Ruth Levi",
        relationship="mother",
        contact="555 0101",
        has_legal_authority=True,
        added_by=cast.therapist,
    )
    return SimpleNamespace(client=client, episode=episode, parent=parent)


def _page(cast: SimpleNamespace, note: SessionNote) -> str:
    return (
        signed_in(cast.therapist).get(reverse("ipt:note", args=[note.public_id])).content.decode()
    )


def test_the_plan_gives_every_fb_ipt_session_parent_and_child_in_segments() -> None:
    fb = variants.FB_IPT
    assert len(fb.session_plan) == 14  # §2.2
    assert {fb.default_format(n) for n in range(1, 15)} == {"parent_child"}  # §8
    codes = [s.code for s in fb.sections_for(1, "parent_child")]
    assert codes == ["joint_checkin", "child_alone", "caregiver_alone", "participants"]
    assert "interpersonal_experiment" in [s.code for s in fb.sections_for(10, "parent_child")]
    assert "next_steps" in [s.code for s in fb.sections_for(12, "parent_child")]
    assert [s.code for s in fb.sections_for(4, "parent_only")] == [
        "caregiver_alone",
        "participants",
    ]
    assert [s.code for s in fb.sections_for(4, "child_only")] == ["child_alone", "participants"]


def test_a_standard_note_has_no_manual_panel(cast: SimpleNamespace) -> None:
    client = make_client(cast.clinic, cast.therapist)
    note = make_note(make_episode(client))
    page = _page(cast, note)
    assert "This session in the manual" not in page
    assert 'name="session_format"' not in page


def test_the_note_shows_the_sessions_topic_format_and_segments(
    cast: SimpleNamespace, child: SimpleNamespace
) -> None:
    note = make_note(child.episode, 4)
    page = _page(cast, note)
    assert "Session 4 of the plan: Parent tips." in page
    assert "Usually held with: Parent and child." in page
    for label in ("Joint check-in", "Time with the child", "Time with the parent"):
        assert label in page
    assert 'name="section_interpersonal_experiment"' not in page
    assert "[VERIFY against Dietz 2018]" in page


def test_a_parent_only_session_keeps_only_the_parent_segment(
    cast: SimpleNamespace, child: SimpleNamespace
) -> None:
    note = make_note(child.episode, 4)
    http = signed_in(cast.therapist)
    url = reverse("ipt:note", args=[note.public_id])
    data = note_form(
        note,
        session_format="parent_only",
        section_caregiver_alone="Went through the parent tips; praise for small steps.",
    )
    response = csrf_post(http, url, data)
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.session_format == "parent_only"
    assert note.sections == {
        "caregiver_alone": "Went through the parent tips; praise for small steps."
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT sections FROM ipt_sessionnote WHERE id = %s", [note.pk])
        assert "praise" not in cursor.fetchone()[0]  # encrypted at rest
    page = http.get(url).content.decode()
    assert "Time with the parent" in page
    assert "Joint check-in" not in page
    assert "Time with the child" not in page


def test_switching_format_keeps_the_text_of_a_segment_no_longer_shown(
    cast: SimpleNamespace, child: SimpleNamespace
) -> None:
    note = make_note(child.episode, 2, sections={"child_alone": "Closeness circle drawn."})
    url = reverse("ipt:note", args=[note.public_id])
    csrf_post(signed_in(cast.therapist), url, note_form(note, session_format="parent_only"))
    note.refresh_from_db()
    assert note.sections == {"child_alone": "Closeness circle drawn."}


def test_session_twelve_records_the_next_steps_decision(
    cast: SimpleNamespace, child: SimpleNamespace
) -> None:
    note = make_note(child.episode, 12)
    url = reverse("ipt:note", args=[note.public_id])
    data = note_form(note, session_format="parent_child", section_next_steps="maintenance_group")
    csrf_post(signed_in(cast.therapist), url, data)
    note.refresh_from_db()
    assert note.sections == {"next_steps": "maintenance_group"}
    SessionNote.objects.filter(pk=note.pk).update(status=SessionNote.Status.SIGNED)
    page = _page(cast, note)
    assert "Maintenance in a group" in page  # the signed note reads the choice's label


def test_an_unknown_choice_is_refused_and_changes_nothing(
    cast: SimpleNamespace, child: SimpleNamespace
) -> None:
    note = make_note(child.episode, 12)
    url = reverse("ipt:note", args=[note.public_id])
    data = note_form(note, session_format="parent_child", section_next_steps="forever")
    response = csrf_post(signed_in(cast.therapist), url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    note.refresh_from_db()
    assert note.sections is None
    assert note.session_format == ""


def test_autosave_stores_sections_and_detects_a_concurrent_edit(
    cast: SimpleNamespace, child: SimpleNamespace
) -> None:
    note = make_note(child.episode, 1)
    http = signed_in(cast.therapist)
    url = reverse("ipt:note_autosave", args=[note.public_id])
    first = csrf_post(http, url, note_form(note, section_joint_checkin="Mood 4 of 10."))
    assert first.status_code == 200
    stale = note_form(note, section_joint_checkin="Mood 6 of 10.")  # still version 1
    second = csrf_post(http, url, stale)
    assert second.status_code == 409
    body = second.content.decode()
    assert "Mood 4 of 10." in body
    assert "Mood 6 of 10." in body
    note.refresh_from_db()
    assert note.sections == {"joint_checkin": "Mood 4 of 10."}


def test_the_note_shows_the_parents_attendance(
    cast: SimpleNamespace, child: SimpleNamespace
) -> None:
    note = make_note(child.episode, 3)
    assert "Attendance not recorded yet." in _page(cast, note)
    ParticipantAttendance.objects.create(
        note=note,
        participant=child.parent,
        present=True,
        seen_alone=True,
        recorded_by=cast.therapist,
    )
    page = _page(cast, note)
    assert "Ruth Levi: present, seen alone" in page
    assert reverse("ipt:note_attendance", args=[note.public_id]) in page


def test_a_signed_note_keeps_its_sections_read_only(
    cast: SimpleNamespace, child: SimpleNamespace
) -> None:
    note = make_note(
        child.episode,
        5,
        session_format="child_only",
        sections={"child_alone": "Contract explained in child words."},
        status=SessionNote.Status.SIGNED,
    )
    page = _page(cast, note)
    assert "Child only" in page
    assert "Contract explained in child words." in page
    assert 'name="section_child_alone"' not in page


def test_the_first_session_needs_the_participating_parent(cast: SimpleNamespace) -> None:
    client = make_client(cast.clinic, cast.therapist, given_name="Eli")
    episode = make_episode(client, variant=Variant.FAMILY_BASED)
    http = signed_in(cast.therapist)
    url = reverse("ipt:note_new", args=[episode.public_id])
    response = csrf_post(http, url, follow=True)
    assert "needs a participant (parent or caregiver)" in response.content.decode()
    assert not SessionNote.objects.filter(episode=episode).exists()
    Participant.objects.create(
        episode=episode,
        role="parent_caregiver",
        name="Dana Roe",
        relationship="father",
        contact="555 0105",
        added_by=cast.therapist,
    )
    csrf_post(http, url)
    assert SessionNote.objects.filter(episode=episode, number=1).exists()


def test_a_malformed_format_is_refused_and_changes_nothing(
    cast: SimpleNamespace, child: SimpleNamespace
) -> None:
    note = make_note(child.episode, 3)
    url = reverse("ipt:note", args=[note.public_id])
    data = note_form(note, session_format=["parent_only", "x" * 50_000])
    response = csrf_post(signed_in(cast.therapist), url, data)
    assert "Select a valid choice" in response.content.decode()
    note.refresh_from_db()
    assert note.session_format == ""
    assert note.sections is None
