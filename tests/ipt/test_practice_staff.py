"""Between-session practice, staff side: assigning from the note, the next note's opening
review (windowed and paged), the practice page, stopping (issue 11 item 5)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.core.models import AuditEvent
from rapport.ipt import practice
from rapport.ipt.models import PracticeAssignment, PracticeEntry, PracticeKind
from tests.factories import csrf_post, make_note, signed_in

WORKSHEET = {
    "happened": "Row with Alex about chores.",
    "said": "You never help.",
    "meant": "I am exhausted.",
    "heard": "That they are useless.",
    "felt": "Alone.",
    "next_time": "I am worn out; can we share the cooking?",
}


def _at(day: date, hour: int, cast) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=cast.clinic.zone)


def _entry(assignment, created_at: datetime, **fields) -> PracticeEntry:
    fields.setdefault("answers", {})
    return PracticeEntry.objects.create(
        episode=assignment.episode,
        assignment=assignment,
        kind=assignment.kind,
        created_at=created_at,
        **fields,
    )


def test_the_therapist_assigns_practice_from_the_note(cast) -> None:
    http = signed_in(cast.therapist)
    note_url = reverse("ipt:note", args=[cast.note.public_id])
    assert "Assign practice before next session" in http.get(note_url).content.decode()
    answer = csrf_post(
        http,
        reverse("ipt:practice_assign", args=[cast.note.public_id]),
        {"practice-kinds": ["mood", "communication"], "practice-instruction": "The Sunday call."},
    )
    assert answer.status_code == 302
    current = PracticeAssignment.objects.current().order_by("kind")
    assert [a.kind for a in current] == ["communication", "mood"]
    assert current[0].instruction == "The Sunday call."
    assert AuditEvent.objects.filter(action="ipt.practice.assigned").count() == 2


def test_assigning_again_replaces_the_current_practice_of_that_kind(cast) -> None:
    first = practice.assign(cast.note, PracticeKind.MOOD, "", by=cast.therapist)
    second = practice.assign(cast.note, PracticeKind.MOOD, "Evenings", by=cast.therapist)
    first.refresh_from_db()
    assert first.ended_at is not None
    assert list(PracticeAssignment.objects.current()) == [second]


def test_assigning_nothing_keeps_the_instruction_typed(cast) -> None:
    http = signed_in(cast.therapist)
    page = csrf_post(
        http,
        reverse("ipt:practice_assign", args=[cast.note.public_id]),
        {"practice-instruction": "Keep this sentence."},
    )
    assert page.status_code == 200
    assert "Keep this sentence." in page.content.decode()
    assert "Choose at least one kind of practice to assign." in page.content.decode()
    assert not PracticeAssignment.objects.exists()


def test_a_supervisor_cannot_assign_practice(cast) -> None:
    # The cast's supervisor supervises the therapist: reads the note, may not write in it.
    answer = csrf_post(
        signed_in(cast.supervisor),
        reverse("ipt:practice_assign", args=[cast.note.public_id]),
        {"practice-kinds": ["mood"]},
    )
    assert answer.status_code == 403
    assert not PracticeAssignment.objects.exists()


def test_the_next_note_shows_the_entries_since_the_last_session(cast) -> None:
    mood = practice.assign(cast.note, PracticeKind.MOOD, "", by=cast.therapist)
    worksheet = practice.assign(cast.note, PracticeKind.COMMUNICATION, "", by=cast.therapist)
    session_1 = cast.note.held_on
    before = _entry(mood, _at(session_1 - timedelta(days=3), 9, cast), mood=3)
    _entry(mood, _at(session_1 + timedelta(days=1), 20, cast), mood=4, answers={"event": "Met Jo"})
    _entry(mood, _at(session_1 + timedelta(days=2), 20, cast), mood=7)
    _entry(worksheet, _at(session_1 + timedelta(days=2), 21, cast), answers=WORKSHEET)
    second = make_note(cast.episode, number=2, held_on=session_1 + timedelta(days=7))
    page = signed_in(cast.therapist).get(reverse("ipt:note", args=[second.public_id]))
    text = page.content.decode()
    assert "Opening review: practice since the last session" in text
    assert "Met Jo" in text
    assert "I am worn out; can we share the cooking?" in text
    assert "<strong>7</strong>" in text
    assert f"<strong>{before.mood}</strong>" not in text
    assert AuditEvent.objects.filter(action="ipt.practice.reviewed").exists()


def test_an_earlier_note_shows_only_its_own_window(cast) -> None:
    mood = practice.assign(cast.note, PracticeKind.MOOD, "", by=cast.therapist)
    second = make_note(cast.episode, number=2, held_on=cast.note.held_on + timedelta(days=7))
    make_note(cast.episode, number=3, held_on=cast.note.held_on + timedelta(days=14))
    _entry(mood, _at(cast.note.held_on + timedelta(days=10), 20, cast), mood=9)
    text = signed_in(cast.therapist).get(reverse("ipt:note", args=[second.public_id])).content
    assert b"No practice entries since" in text


def test_the_opening_review_costs_the_same_however_long_the_history(cast) -> None:
    mood = practice.assign(cast.note, PracticeKind.MOOD, "", by=cast.therapist)
    worksheet = practice.assign(cast.note, PracticeKind.COMMUNICATION, "", by=cast.therapist)
    second = make_note(cast.episode, number=2, held_on=cast.note.held_on + timedelta(days=60))
    start = _at(cast.note.held_on, 21, cast)
    for day in range(3):
        _entry(mood, start + timedelta(days=day), mood=5)
        _entry(worksheet, start + timedelta(days=day, hours=1), answers=WORKSHEET)
    http = signed_in(cast.therapist)
    url = reverse("ipt:note", args=[second.public_id])
    http.get(url)
    with CaptureQueriesContext(connection) as few:
        http.get(url)
    for day in range(3, 50):
        _entry(mood, start + timedelta(days=day), mood=6)
        _entry(worksheet, start + timedelta(days=day, hours=1), answers=WORKSHEET)
    with CaptureQueriesContext(connection) as many:
        page = http.get(url)
    assert len(many) == len(few)
    text = page.content.decode()
    assert text.count('class="practice-entry"') == 3  # one page of worksheets
    assert text.count("<li>", text.index('class="mood-list"')) >= 28
    assert "Earlier worksheets" in text


def test_the_practice_page_lists_entries_and_stops_a_practice(cast) -> None:
    assignment = practice.assign(cast.note, PracticeKind.COMMUNICATION, "", by=cast.therapist)
    practice.record_entry(assignment, mood=None, answers=WORKSHEET)
    http = signed_in(cast.therapist)
    url = reverse("ipt:practice", args=[cast.episode.public_id])
    page = http.get(url).content.decode()
    assert "Row with Alex about chores." in page
    assert AuditEvent.objects.filter(action="ipt.practice.viewed").exists()
    answer = csrf_post(http, reverse("ipt:practice_stop", args=[assignment.public_id]))
    assert answer.status_code == 302
    assignment.refresh_from_db()
    assert assignment.ended_at is not None
    assert PracticeEntry.objects.count() == 1


def test_a_practice_alert_is_named_in_the_next_notes_risk_section(cast) -> None:
    from rapport.ipt import notes

    assignment = practice.assign(cast.note, PracticeKind.MOOD, "", by=cast.therapist)
    practice.record_entry(assignment, mood=1, answers={})
    note = notes.create_next_note(cast.episode, cast.therapist)
    assert "mood rating 1 in practice" in note.suicidality_detail
