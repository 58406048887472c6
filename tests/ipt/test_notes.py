"""Session notes: numbering, phase, the phase-aware page, saving, signing, addenda (§1.5)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.core.fields import update_sealed
from rapport.core.models import AuditEvent
from rapport.ipt import catalogue
from rapport.ipt import notes as service
from rapport.ipt.catalogue import Phase, ProblemArea
from rapport.ipt.models import Addendum, FidelityRating, SessionNote
from rapport.ipt.models.episodes import SessionAttendance
from tests.factories import csrf_post, make_note, signed_in
from tests.ipt.notes_helpers import contract, held_sessions, note_form, url


def _new_note(cast: SimpleNamespace) -> SessionNote:
    response = csrf_post(signed_in(cast.therapist), url("ipt:note_new", cast.episode))
    note = cast.episode.notes.order_by("-number").first()
    assert response.status_code == 302
    assert response.url == url("ipt:note", note)
    return note


# --- numbering and phase ------------------------------------------------------------------


def test_it_numbers_the_next_note_after_the_last_and_dates_it_today(
    cast: SimpleNamespace,
) -> None:
    note = _new_note(cast)
    assert note.number == 2
    assert note.author == cast.therapist
    assert note.status == SessionNote.Status.DRAFT
    # "Today" is the clinic's date, not the server's (they differ around midnight UTC).
    assert note.held_on == timezone.localdate(timezone=cast.episode.clinic.zone)
    assert AuditEvent.objects.filter(action="ipt.note.created", object_id=str(note.public_id))


def test_it_snapshots_the_phase_from_the_contract(cast: SimpleNamespace) -> None:
    cast.note.delete()
    contract(cast.episode, planned=12)
    held_sessions(cast.episode, 3)
    fourth = _new_note(cast)
    assert (fourth.number, fourth.phase) == (4, Phase.MIDDLE)
    held_sessions(cast.episode, 9, start=5)
    tenth = _new_note(cast)
    assert (tenth.number, tenth.phase) == (10, Phase.TERMINATION)
    # §1.7: the termination checklist appears with the phase.
    codes = set(cast.episode.tasks.values_list("code", flat=True))
    assert {task.code for task in catalogue.TERMINATION_TASKS} <= codes
    # The snapshot stays when the contract changes later.
    cast.episode.contracts.update(planned_sessions=16)
    fourth.refresh_from_db()
    assert fourth.phase == Phase.MIDDLE


def test_it_does_not_count_cancelled_sessions_as_held(cast: SimpleNamespace) -> None:
    cast.note.delete()
    contract(cast.episode, planned=12)
    held_sessions(cast.episode, 3)
    make_note(cast.episode, 4, attendance=SessionAttendance.NO_SHOW, phase=Phase.MIDDLE)
    assert cast.episode.sessions_held() == 3
    fifth = _new_note(cast)
    assert fifth.number == 5
    assert fifth.phase == cast.episode.phase_for_session(4, 12)


def test_it_refuses_a_new_note_in_a_closed_episode(cast: SimpleNamespace) -> None:
    cast.episode.status = cast.episode.Status.CLOSED
    cast.episode.save()
    with pytest.raises(service.NoteError):
        service.create_next_note(cast.episode, cast.therapist)


def test_the_supervisor_cannot_write_a_note(cast: SimpleNamespace) -> None:
    response = csrf_post(signed_in(cast.supervisor), url("ipt:note_new", cast.episode))
    assert response.status_code == 403
    assert cast.episode.notes.count() == 1


# --- the list -----------------------------------------------------------------------------


def test_the_list_shows_each_session_and_offers_the_next(cast: SimpleNamespace) -> None:
    make_note(cast.episode, 2, attendance=SessionAttendance.CANCELLED, phase=Phase.INITIAL)
    body = signed_in(cast.therapist).get(url("ipt:notes", cast.episode)).content.decode()
    assert "Session 1" in body
    assert "Session 2" in body
    assert "Cancelled" in body
    assert "Draft" in body
    assert "Write session 3" in body
    assert AuditEvent.objects.filter(action="ipt.note.listed", actor=cast.therapist).exists()


def test_the_supervisor_reads_the_list_without_the_write_button(cast: SimpleNamespace) -> None:
    response = signed_in(cast.supervisor).get(url("ipt:notes", cast.episode))
    assert response.status_code == 200
    assert "Write session" not in response.content.decode()


def test_the_list_shows_an_empty_state(cast: SimpleNamespace) -> None:
    cast.note.delete()
    body = signed_in(cast.therapist).get(url("ipt:notes", cast.episode)).content.decode()
    assert "No session notes yet." in body
    assert "Write session 1" in body


def _list_queries(cast: SimpleNamespace) -> int:
    http = signed_in(cast.therapist)
    http.get(url("ipt:notes", cast.episode))  # warm the session
    with CaptureQueriesContext(connection) as queries:
        assert http.get(url("ipt:notes", cast.episode)).status_code == 200
    return len(queries)


def test_the_list_queries_do_not_grow_with_the_notes(cast: SimpleNamespace) -> None:
    few = _list_queries(cast)
    for number in range(2, 15):
        note = make_note(cast.episode, number, techniques=["clarification"])
        FidelityRating.objects.create(note=note, in_phase="yes", on_focus="partly")
    assert _list_queries(cast) == few


def test_the_list_summarises_adherence(cast: SimpleNamespace) -> None:
    FidelityRating.objects.create(note=cast.note, in_phase="yes", on_focus="partly")
    second = make_note(cast.episode, 2, techniques=["clarification", "role_play"])
    FidelityRating.objects.create(note=second, in_phase="no", on_focus="yes")
    make_note(cast.episode, 3, techniques=["role_play"])
    body = signed_in(cast.supervisor).get(url("ipt:notes", cast.episode)).content.decode()
    assert "Self-rated for 2 of 3 sessions held." in body
    assert "50% yes, 0% partly" in body  # in phase
    assert "50% yes, 50% partly" in body  # on focus
    assert "Clarification: 1 session" in body
    assert "Role play: 2 sessions" in body


# --- the note page ------------------------------------------------------------------------


def test_the_initial_phase_note_lists_the_open_initial_tasks(cast: SimpleNamespace) -> None:
    cast.episode.tasks.filter(code="diagnosis").update(done=True)
    body = signed_in(cast.therapist).get(url("ipt:note", cast.note)).content.decode()
    assert "Initial-phase tasks still open:" in body
    assert "Psychoeducation" in body
    assert "Diagnosis and severity" not in body
    assert "No measures yet." in body
    assert "Process note (private to you)" in body
    assert AuditEvent.objects.filter(action="ipt.note.viewed", actor=cast.therapist).exists()


def test_it_prompts_to_discuss_termination_two_to_four_sessions_before_the_end(
    cast: SimpleNamespace,
) -> None:
    cast.note.delete()
    contract(cast.episode, planned=12)
    held_sessions(cast.episode, 7)
    http = signed_in(cast.therapist)
    eighth = service.create_next_note(cast.episode, cast.therapist)
    body = http.get(url("ipt:note", eighth)).content.decode()
    assert "Discuss the end of treatment: 4 sessions remain after this one." in body
    held_sessions(cast.episode, 10, start=9)
    eleventh = service.create_next_note(cast.episode, cast.therapist)
    body = http.get(url("ipt:note", eleventh)).content.decode()
    assert "Discuss the end of treatment" not in body  # one session left: too late to raise
    assert "Termination tasks still open:" in body
    assert "Early warning signs of relapse" in body


def test_it_shows_the_areas_strategies_and_the_dispute_stage_for_a_dispute(
    cast: SimpleNamespace,
) -> None:
    http = signed_in(cast.therapist)
    body = http.get(url("ipt:note", cast.note)).content.decode()
    assert "dispute_stage" not in body
    cast.episode.primary_problem_area = ProblemArea.ROLE_TRANSITION
    cast.episode.secondary_problem_area = ProblemArea.ROLE_DISPUTE
    cast.episode.save()
    body = http.get(url("ipt:note", cast.note)).content.decode()
    assert 'name="dispute_stage"' in body
    for strategy in catalogue.PROBLEM_AREA_STRATEGIES[ProblemArea.ROLE_TRANSITION]:
        assert str(strategy) in body
    assert "<legend>Techniques used" in body


def test_the_supervisor_reads_the_note_without_a_form(cast: SimpleNamespace) -> None:
    cast.note.symptom_review = "Sleeping better."
    cast.note.save()
    body = signed_in(cast.supervisor).get(url("ipt:note", cast.note)).content.decode()
    assert "Sleeping better." in body
    assert "<textarea" not in body
    assert "Process note" not in body


def test_it_saves_a_draft_without_javascript(cast: SimpleNamespace) -> None:
    data = note_form(cast.note, interval_events="Argued with her sister.", techniques=["role_play"])
    response = csrf_post(signed_in(cast.therapist), url("ipt:note", cast.note), data)
    assert response.status_code == 302
    cast.note.refresh_from_db()
    assert cast.note.interval_events == "Argued with her sister."
    assert cast.note.techniques == ["role_play"]
    assert cast.note.version == 2
    event = AuditEvent.objects.get(action="ipt.note.saved")
    assert event.fields == ["interval_events", "techniques"]


def test_it_keeps_bad_input_and_changes_nothing(cast: SimpleNamespace) -> None:
    data = note_form(cast.note, mood_rating="11", interval_events="Kept text")
    response = csrf_post(signed_in(cast.therapist), url("ipt:note", cast.note), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "less than or equal to 10" in body
    assert "Kept text" in body
    cast.note.refresh_from_db()
    assert (cast.note.interval_events, cast.note.version) == ("", 1)


def test_a_stale_save_shows_both_texts_and_writes_nothing(cast: SimpleNamespace) -> None:
    update_sealed(SessionNote.objects.filter(pk=cast.note.pk), interval_events="Theirs", version=2)
    data = note_form(cast.note, interval_events="Mine")  # based on version 1
    response = csrf_post(signed_in(cast.therapist), url("ipt:note", cast.note), data)
    body = response.content.decode()
    assert response.status_code == 409
    assert "Theirs" in body
    assert "Mine" in body
    assert 'name="version" value="2"' in body  # saving again resolves, knowingly
    cast.note.refresh_from_db()
    assert (cast.note.interval_events, cast.note.version) == ("Theirs", 2)


# --- signing ------------------------------------------------------------------------------


def _sign(cast: SimpleNamespace, **changes: object):
    data = note_form(cast.note, **changes)
    return csrf_post(signed_in(cast.therapist), url("ipt:note_sign", cast.note), data)


def test_it_refuses_to_sign_before_the_suicidality_check(cast: SimpleNamespace) -> None:
    response = _sign(cast, interval_events="Typed before signing")
    assert response.status_code == 200
    assert "Record the suicidality check before signing." in response.content.decode()
    cast.note.refresh_from_db()
    assert cast.note.status == SessionNote.Status.DRAFT
    assert cast.note.interval_events == "Typed before signing"  # nothing typed is lost


def test_it_requires_the_risk_detail_when_thoughts_are_reported(cast: SimpleNamespace) -> None:
    response = _sign(cast, suicidality="passive")
    assert "Describe the risk" in response.content.decode()
    cast.note.refresh_from_db()
    assert cast.note.status == SessionNote.Status.DRAFT
    response = _sign(cast, suicidality="passive", suicidality_detail="Safety plan reviewed.")
    cast.note.refresh_from_db()
    assert cast.note.status == SessionNote.Status.SIGNED


def test_a_missed_session_is_signed_without_a_suicidality_check(cast: SimpleNamespace) -> None:
    _sign(cast, attendance=SessionAttendance.NO_SHOW)
    cast.note.refresh_from_db()
    assert cast.note.status == SessionNote.Status.SIGNED


def test_it_signs_and_locks_the_note(cast: SimpleNamespace) -> None:
    response = _sign(cast, suicidality="none", problem_area_work="Role play of the talk.")
    assert response.status_code == 302
    cast.note.refresh_from_db()
    assert cast.note.status == SessionNote.Status.SIGNED
    assert cast.note.signed_by == cast.therapist
    assert cast.note.signed_at
    assert cast.note.problem_area_work == "Role play of the talk."
    assert AuditEvent.objects.filter(action="ipt.note.signed").exists()
    body = signed_in(cast.therapist).get(url("ipt:note", cast.note)).content.decode()
    assert 'name="problem_area_work"' not in body
    assert "Role play of the talk." in body
    assert "Add an addendum" in body


def test_a_signed_note_refuses_edits_and_autosaves(cast: SimpleNamespace) -> None:
    SessionNote.objects.filter(pk=cast.note.pk).update(
        status=SessionNote.Status.SIGNED, suicidality="none"
    )
    cast.note.refresh_from_db()
    http = signed_in(cast.therapist)
    data = note_form(cast.note, interval_events="Changed after signing")
    for name in ("ipt:note", "ipt:note_autosave", "ipt:note_sign"):
        response = csrf_post(http, url(name, cast.note), data)
        assert response.status_code == 409, name
        assert "can no longer be edited" in response.content.decode()
    cast.note.refresh_from_db()
    assert cast.note.interval_events == ""
    with pytest.raises(service.NoteLocked):
        service.save_draft(cast.note, cast.note.version, {"interval_events": "x"})


def test_it_adds_an_addendum_and_keeps_the_original(cast: SimpleNamespace) -> None:
    update_sealed(
        SessionNote.objects.filter(pk=cast.note.pk),
        status=SessionNote.Status.SIGNED,
        interval_events="Original text",
    )
    http = signed_in(cast.therapist)
    response = csrf_post(http, url("ipt:addendum_new", cast.note), {"reason": "", "text": "x"})
    assert "This field is required." in response.content.decode()
    assert not Addendum.objects.exists()
    response = csrf_post(
        http,
        url("ipt:addendum_new", cast.note),
        {"reason": "Late information", "text": "Her sister called after the session."},
    )
    assert response.status_code == 302
    addendum = Addendum.objects.get()
    assert (addendum.author, addendum.reason) == (cast.therapist, "Late information")
    body = http.get(url("ipt:note", cast.note)).content.decode()
    assert "Original text" in body
    assert "Her sister called after the session." in body
    assert "Late information" in body
    assert AuditEvent.objects.filter(action="ipt.addendum.created").exists()


def test_a_draft_needs_no_addendum(cast: SimpleNamespace) -> None:
    with pytest.raises(service.NoteError):
        service.add_addendum(cast.note, cast.therapist, "r", "t")


# --- fidelity -----------------------------------------------------------------------------


def test_the_therapist_rates_fidelity_and_the_supervisor_reads_it(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    response = csrf_post(http, url("ipt:fidelity", cast.note), {"in_phase": "yes"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not FidelityRating.objects.exists()
    data = {"in_phase": "yes", "on_focus": "partly", "comment": "Drifted to work stress."}
    assert csrf_post(http, url("ipt:fidelity", cast.note), data).status_code == 302
    rating = FidelityRating.objects.get(note=cast.note)
    assert (rating.in_phase, rating.on_focus) == ("yes", "partly")
    body = signed_in(cast.supervisor).get(url("ipt:note", cast.note)).content.decode()
    assert "Drifted to work stress." in body
    assert AuditEvent.objects.filter(action="ipt.fidelity.saved").exists()
    response = csrf_post(signed_in(cast.supervisor), url("ipt:fidelity", cast.note), data)
    assert response.status_code == 403


def test_the_note_page_queries_do_not_grow_with_addenda(cast: SimpleNamespace) -> None:
    SessionNote.objects.filter(pk=cast.note.pk).update(status=SessionNote.Status.SIGNED)
    http = signed_in(cast.therapist)
    http.get(url("ipt:note", cast.note))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            http.get(url("ipt:note", cast.note))
        return len(queries)

    few = count()
    for n in range(5):
        Addendum.objects.create(note=cast.note, author=cast.therapist, reason=f"r{n}", text="t")
    assert count() == few
    assert reverse("ipt:addendum_new", args=[cast.note.public_id])


def test_the_supervisor_may_read_but_not_save_a_note(cast: SimpleNamespace) -> None:
    data = note_form(cast.note, interval_events="Supervisor's words")
    response = csrf_post(signed_in(cast.supervisor), url("ipt:note", cast.note), data)
    assert response.status_code == 403
    response = csrf_post(signed_in(cast.colleague), url("ipt:note", cast.note), data)
    assert response.status_code == 404
    cast.note.refresh_from_db()
    assert cast.note.interval_events == ""


def test_the_next_note_starts_its_risk_section_from_open_alerts(cast) -> None:
    from rapport.ipt import notes as service
    from rapport.measures import services as measures

    answers = {f"q{n}": 0 for n in range(1, 10)} | {"q9": 2, "difficulty": 1}
    measures.record_response(
        client=cast.client, instrument_code="phq9", answers=answers, mode="remote"
    )
    note = service.create_next_note(cast.episode, cast.therapist)
    assert "Open safety alert: PHQ-9 item 9 = 2" in note.suicidality_detail
    assert "critical" in note.suicidality_detail
