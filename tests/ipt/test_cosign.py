"""A trainee's signed note waits for the supervisor's co-signature (issue item 7)."""

from __future__ import annotations

from types import SimpleNamespace

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.core.models import AuditEvent, Role, Supervision
from rapport.ipt.models import CosignReview, SessionNote
from tests.factories import csrf_post, make_client, make_episode, make_note, make_staff, signed_in
from tests.ipt.notes_helpers import note_form, url

QUEUE = reverse("ipt:cosign_queue")


def _make_trainee(cast: SimpleNamespace) -> None:
    Supervision.objects.filter(supervisor=cast.supervisor, supervisee=cast.therapist).update(
        cosigns_notes=True
    )


def _sign(cast: SimpleNamespace) -> None:
    data = note_form(cast.note, suicidality="none", interval_events="Trainee's account")
    response = csrf_post(signed_in(cast.therapist), url("ipt:note_sign", cast.note), data)
    assert response.status_code == 302
    cast.note.refresh_from_db()


def _review(cast: SimpleNamespace, decision: str, comment: str = ""):
    data = {"decision": decision, "comment": comment}
    return csrf_post(signed_in(cast.supervisor), url("ipt:note_review", cast.note), data)


def test_a_qualified_therapists_note_is_signed_at_once(cast: SimpleNamespace) -> None:
    _sign(cast)
    assert cast.note.status == SessionNote.Status.SIGNED


def test_a_trainees_note_waits_for_co_signature(cast: SimpleNamespace) -> None:
    _make_trainee(cast)
    _sign(cast)
    assert cast.note.status == SessionNote.Status.AWAITING_COSIGN
    assert cast.note.signed_by == cast.therapist
    body = signed_in(cast.supervisor).get(QUEUE).content.decode()
    assert url("ipt:note", cast.note) in body
    assert cast.client.display_name in body
    # Waiting for co-signature, the note is locked for the trainee too.
    response = csrf_post(
        signed_in(cast.therapist), url("ipt:note", cast.note), note_form(cast.note)
    )
    assert response.status_code == 409


def test_the_supervisor_co_signs(cast: SimpleNamespace) -> None:
    _make_trainee(cast)
    _sign(cast)
    response = _review(cast, "cosign")
    assert response.url == QUEUE
    cast.note.refresh_from_db()
    assert cast.note.status == SessionNote.Status.SIGNED
    assert cast.note.cosigned_by == cast.supervisor
    assert cast.note.cosigned_at
    assert CosignReview.objects.get().decision == CosignReview.Decision.COSIGNED
    assert AuditEvent.objects.filter(action="ipt.note.cosigned", actor=cast.supervisor).exists()
    assert "No notes are waiting" in signed_in(cast.supervisor).get(QUEUE).content.decode()


def test_the_supervisor_returns_with_comments_and_the_trainee_sees_them(
    cast: SimpleNamespace,
) -> None:
    _make_trainee(cast)
    _sign(cast)
    response = _review(cast, "return")
    assert "Say what should change" in response.content.decode()
    cast.note.refresh_from_db()
    assert cast.note.status == SessionNote.Status.AWAITING_COSIGN
    _review(cast, "return", "Link the mood change to the argument.")
    cast.note.refresh_from_db()
    assert cast.note.status == SessionNote.Status.DRAFT
    assert cast.note.signed_at is None
    body = signed_in(cast.therapist).get(url("ipt:note", cast.note)).content.decode()
    assert "Returned by your supervisor" in body
    assert "Link the mood change to the argument." in body
    assert 'name="interval_events"' in body  # editable again
    assert AuditEvent.objects.filter(action="ipt.note.returned").exists()


def test_only_the_co_signing_supervisor_reviews(cast: SimpleNamespace) -> None:
    _sign(cast)  # not a trainee: nothing to co-sign
    assert _review(cast, "cosign").status_code == 403
    other = make_staff(cast.clinic, "other_supervisor", Role.SUPERVISOR)
    response = csrf_post(
        signed_in(other), url("ipt:note_review", cast.note), {"decision": "cosign"}
    )
    assert response.status_code == 404
    response = csrf_post(
        signed_in(cast.therapist), url("ipt:note_review", cast.note), {"decision": "cosign"}
    )
    assert response.status_code == 403


def test_the_queue_holds_only_the_supervisors_trainees(cast: SimpleNamespace) -> None:
    _make_trainee(cast)
    _sign(cast)
    # A colleague's trainee note under another supervisor stays out of this queue.
    other = make_staff(cast.clinic, "other_supervisor", Role.SUPERVISOR)
    Supervision.objects.create(supervisor=other, supervisee=cast.colleague, cosigns_notes=True)
    theirs = make_note(
        make_episode(cast.colleague_client), status=SessionNote.Status.AWAITING_COSIGN
    )
    body = signed_in(cast.supervisor).get(QUEUE).content.decode()
    assert url("ipt:note", cast.note) in body
    assert url("ipt:note", theirs) not in body
    assert url("ipt:note", theirs) in signed_in(other).get(QUEUE).content.decode()


def _queue_queries(cast: SimpleNamespace) -> int:
    http = signed_in(cast.supervisor)
    http.get(QUEUE)
    with CaptureQueriesContext(connection) as queries:
        assert http.get(QUEUE).status_code == 200
    return len(queries)


def test_the_queue_queries_do_not_grow_with_its_size(cast: SimpleNamespace) -> None:
    _make_trainee(cast)
    SessionNote.objects.filter(pk=cast.note.pk).update(status=SessionNote.Status.AWAITING_COSIGN)
    few = _queue_queries(cast)
    for _n in range(8):
        client = make_client(cast.clinic, cast.therapist)
        episode = make_episode(client)
        for number in (1, 2):
            make_note(episode, number, status=SessionNote.Status.AWAITING_COSIGN)
    assert _queue_queries(cast) == few
