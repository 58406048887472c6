"""A signed note is a legal record: its scores and advisories are those of the day it was
signed, however the client scores afterwards (issue 8, "Signed notes are snapshots")."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, time, timedelta
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.core.models import AuditEvent, Supervision
from rapport.ipt.models import SessionNote
from rapport.measures.models import OutcomeFlag, Response
from rapport.measures.services import record_response
from tests.factories import csrf_post, make_note, signed_in
from tests.ipt.notes_helpers import note_form, url
from tests.ipt.snapshot_helpers import course, record_phq9, session_day

RECORDED_AS = "Scores shown as recorded up to the session date"
ADVISORY = "Not on track (advisory)"


def sign(cast: SimpleNamespace, note: SessionNote, user=None) -> SessionNote:
    data = note_form(note, suicidality="none")
    response = csrf_post(signed_in(user or cast.therapist), url("ipt:note_sign", note), data)
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.is_locked
    return note


class _Slot(HTMLParser):
    """The text of the note's measures slot (the element marked ``data-note-measures``)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self.depth:
            self.depth += tag not in ("br", "input", "img")
        elif "data-note-measures" in dict(attrs):
            self.depth = 1

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        pass  # <br/> and the like: nothing opens, nothing closes

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text.append(data)


def measures_slot(cast: SimpleNamespace, note: SessionNote, user=None) -> str:
    response = signed_in(user or cast.therapist).get(url("ipt:note", note))
    assert response.status_code == 200
    parser = _Slot()
    parser.feed(response.content.decode())
    text = " ".join(" ".join(parser.text).split())
    assert text, "the note page has no measures slot"
    return text


def page(cast: SimpleNamespace, note: SessionNote, user=None) -> str:
    return signed_in(user or cast.therapist).get(url("ipt:note", note)).content.decode()


# --- the defect: a signed note showed today's scores and advisories -------------------------


def test_it_shows_a_signed_note_exactly_as_it_was_when_signed(cast: SimpleNamespace) -> None:
    note = sign(cast, course(cast, [18, 14, 10, 8]))
    signed = measures_slot(cast, note)
    assert "PHQ-9 18 (moderately severe) session 1 10 (moderate) session 3 8 (mild) session 4" in (
        signed
    )
    assert "-10 from baseline; reliable improvement; response (≥50% reduction)" in signed
    assert ADVISORY not in signed

    # Then the client scores far worse: the rule raises a not-on-track flag.
    record_phq9(cast, 24)
    assert OutcomeFlag.objects.filter(active=True, context_id=cast.episode.public_id).exists()

    assert measures_slot(cast, note) == signed
    assert "24" not in measures_slot(cast, note)


def test_a_draft_note_shows_the_new_data(cast: SimpleNamespace) -> None:
    sign(cast, course(cast, [18, 14, 10, 8]))
    record_phq9(cast, 24, on=session_day(5))
    draft = make_note(cast.episode, 5, held_on=session_day(5), phase="middle")
    live = measures_slot(cast, draft)
    assert "PHQ-9 18 (moderately severe) session 1 8 (mild) session 4 24 (severe)" in live
    assert "+6 from baseline; reliable deterioration" in live
    assert ADVISORY in live
    assert "The score has risen by 6 points since baseline (18 → 24)" in live


def test_it_keeps_the_advisory_that_was_showing_at_signing(cast: SimpleNamespace) -> None:
    note = sign(cast, course(cast, [16, 16, 15, 15]))
    signed = measures_slot(cast, note)
    assert ADVISORY in signed
    assert "At session 4 the score has changed by -1 since baseline (16 → 15)" in signed

    # The client then improves a lot: the rule no longer fires and the flag retires.
    record_phq9(cast, 3, on=session_day(6))
    assert not OutcomeFlag.objects.filter(active=True).exists()
    assert measures_slot(cast, note) == signed


def test_it_stores_what_the_note_showed_as_json_at_signing(cast: SimpleNamespace) -> None:
    note = sign(cast, course(cast, [16, 16, 15, 15]))
    stored = json.loads(note.signed_snapshot)
    phq9, gad7 = stored["measures"]  # both on the episode's schedule
    assert (phq9["title"], gad7["title"], gad7["latest"]) == ("PHQ-9", "GAD-7", None)
    assert phq9["baseline"] == {"total": 16, "band": "moderately severe", "session": 1,
                                "on": "2026-09-01"}  # fmt: skip
    assert phq9["previous"]["total"] == 15
    assert phq9["latest"] == {"total": 15, "band": "moderately severe", "session": 4,
                              "on": "2026-09-22"}  # fmt: skip
    assert phq9["summary"] == ["-1 from baseline"]
    (flag,) = stored["flags"]
    assert flag["instrument"] == "PHQ-9"
    assert flag["reasons"][0].startswith("At session 4 the score has changed by -1")
    raised = OutcomeFlag.objects.get().created_at.astimezone(cast.clinic.zone).date()
    assert flag["raised_on"] == raised.isoformat()
    assert flag["rule_version"] == "not-on-track-rule/1"


def test_it_keeps_the_snapshot_encrypted_and_out_of_the_audit_log_and_logs(
    cast: SimpleNamespace, caplog: pytest.LogCaptureFixture
) -> None:
    draft = course(cast, [18, 14, 10, 8])
    with caplog.at_level(logging.DEBUG):
        note = sign(cast, draft)
    assert "moderately severe" in note.signed_snapshot
    with connection.cursor() as cursor:
        cursor.execute("SELECT signed_snapshot FROM ipt_sessionnote WHERE id = %s", [note.pk])
        (raw,) = cursor.fetchone()
    assert raw
    assert "moderately severe" not in raw
    assert "PHQ-9" not in raw
    event = AuditEvent.objects.get(action="ipt.note.signed", object_id=str(note.public_id))
    assert "signed_snapshot" in event.fields  # the field's name, never its content
    logged = caplog.text + json.dumps([e.fields for e in AuditEvent.objects.all()])
    assert "moderately severe" not in logged
    assert "reliable improvement" not in logged


# --- co-signature: the snapshot is the author's, taken when the author signs ---------------


def test_a_trainees_note_keeps_the_authors_snapshot_through_co_signature(
    cast: SimpleNamespace,
) -> None:
    Supervision.objects.filter(supervisee=cast.therapist).update(cosigns_notes=True)
    note = sign(cast, course(cast, [18, 14, 10, 8]))
    assert note.status == SessionNote.Status.AWAITING_COSIGN
    signed = measures_slot(cast, note)
    snapshot = note.signed_snapshot

    record_phq9(cast, 24)
    assert measures_slot(cast, note, cast.supervisor) == signed
    data = {"decision": "cosign", "comment": ""}
    response = csrf_post(signed_in(cast.supervisor), url("ipt:note_review", note), data)
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.status == SessionNote.Status.SIGNED
    assert note.signed_snapshot == snapshot
    assert measures_slot(cast, note) == signed


def test_a_note_returned_to_the_trainee_shows_live_data_again(cast: SimpleNamespace) -> None:
    Supervision.objects.filter(supervisee=cast.therapist).update(cosigns_notes=True)
    note = sign(cast, course(cast, [18, 14, 10, 8]))
    record_phq9(cast, 24, on=session_day(5))
    data = {"decision": "return", "comment": "Add the new score."}
    csrf_post(signed_in(cast.supervisor), url("ipt:note_review", note), data)
    note.refresh_from_db()
    assert note.status == SessionNote.Status.DRAFT
    assert note.signed_snapshot == ""
    assert "24 (severe)" in measures_slot(cast, note)
    note = sign(cast, note)
    assert json.loads(note.signed_snapshot)["measures"][0]["latest"]["total"] == 24


# --- notes signed before snapshots existed ---------------------------------------------------


def _signed_without_snapshot(cast: SimpleNamespace, totals: list[int]) -> SessionNote:
    note = course(cast, totals)
    SessionNote.objects.filter(pk=note.pk).update(
        status=SessionNote.Status.SIGNED,
        suicidality=SessionNote.Suicidality.NONE,
        signed_by=cast.therapist,
        signed_at=datetime.combine(note.held_on, time(20), UTC),
    )
    note.refresh_from_db()
    assert note.signed_snapshot == ""
    return note


def test_an_older_signed_note_shows_scores_as_recorded_up_to_its_session_date(
    cast: SimpleNamespace,
) -> None:
    note = _signed_without_snapshot(cast, [16, 16, 15, 15])
    record_phq9(cast, 3, on=session_day(6))  # the advisory of session 4 retires
    assert not OutcomeFlag.objects.filter(active=True).exists()
    slot = measures_slot(cast, note)
    assert RECORDED_AS in slot
    assert "2026-09-22" in slot
    assert "PHQ-9 16 (moderately severe) session 1 15 (moderately severe) session 3 " in slot
    assert "3 (none–minimal)" not in slot
    assert ADVISORY in slot  # the advisory that stood on the session date, though retired now
    assert "At session 4 the score has changed by -1 since baseline (16 → 15)" in slot


def test_an_older_signed_note_keeps_its_advisory_past_an_unfinished_questionnaire(
    cast: SimpleNamespace,
) -> None:
    note = _signed_without_snapshot(cast, [16, 16, 15, 15])
    # Later on the session day: item 9 answered, the rest skipped. Kept for its safety
    # answer, it has no score, and the outcome rule does not run on it.
    unfinished = record_response(
        client=cast.client,
        instrument_code="phq9",
        answers={"q9": 1},
        mode=Response.Mode.REMOTE,
        context_id=cast.episode.public_id,
        submitted_at=datetime.combine(note.held_on, time(18), UTC),
        allow_incomplete=True,
    )
    assert not unfinished.complete
    slot = measures_slot(cast, note)
    assert "At session 4 the score has changed by -1 since baseline (16 → 15)" in slot
    assert "15 (moderately severe) session 4" in slot


def test_an_older_signed_note_leaves_out_scores_submitted_after_its_session_date(
    cast: SimpleNamespace,
) -> None:
    note = _signed_without_snapshot(cast, [18, 14, 10, 8])
    # A remote questionnaire with no session number, answered after the session.
    record_phq9(cast, 24, on=session_day(4) + timedelta(days=2))
    slot = measures_slot(cast, note)
    assert "8 (mild) session 4" in slot
    assert "24" not in slot
    assert ADVISORY not in slot


def test_a_signed_note_with_a_snapshot_does_not_say_it_is_reconstructed(
    cast: SimpleNamespace,
) -> None:
    note = sign(cast, course(cast, [18, 14, 10, 8]))
    slot = measures_slot(cast, note)
    assert RECORDED_AS not in slot
    assert "As recorded when the note was signed." in slot


# --- since signing ----------------------------------------------------------------------------


def test_it_shows_later_scores_apart_labelled_as_after_signing(cast: SimpleNamespace) -> None:
    note = sign(cast, course(cast, [18, 14, 10, 8]))
    assert "Since signing" not in page(cast, note)
    later = record_phq9(cast, 24)
    body = page(cast, note)
    since = body[body.index("Since signing") :]
    assert "not part of the signed record" in since
    assert "<strong>24</strong>" in since
    assert later.submitted_at.astimezone(cast.clinic.zone).date().isoformat() in since


# --- query counts -----------------------------------------------------------------------------


def _queries(cast: SimpleNamespace, note: SessionNote) -> int:
    http = signed_in(cast.therapist)
    http.get(url("ipt:note", note))
    with CaptureQueriesContext(connection) as queries:
        http.get(url("ipt:note", note))
    return len(queries)


@pytest.mark.parametrize("snapshot", [True, False], ids=["snapshot", "signed-before-snapshots"])
def test_the_signed_note_page_queries_do_not_grow_with_responses(
    cast: SimpleNamespace, snapshot: bool
) -> None:
    if snapshot:
        note = sign(cast, course(cast, [18, 14, 10, 8]))
    else:
        note = _signed_without_snapshot(cast, [18, 14, 10, 8])
    few = _queries(cast, note)
    for number in range(5, 15):
        record_phq9(cast, 12, session=number)
    for days in (-1, 1, 30):  # before, just after and long after the session
        record_phq9(cast, 20, on=session_day(4) + timedelta(days=days))
    assert _queries(cast, note) == few
