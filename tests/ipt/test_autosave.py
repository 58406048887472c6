"""Autosave of drafts: versioned, conflict-safe, and never keeping an idle session alive."""

from __future__ import annotations

import re
from types import SimpleNamespace

import time_machine
from django.test import Client as HttpClient
from django.urls import reverse

from rapport.core.fields import update_sealed
from rapport.core.middleware import SESSION_SEEN
from rapport.core.models import AuditEvent
from rapport.ipt.models import SessionNote
from tests.factories import signed_in
from tests.ipt.notes_helpers import note_form, url

BACKGROUND = {"HTTP_X_RAPPORT_BACKGROUND": "1"}


def _autosave(http: HttpClient, note: SessionNote, **data: object):
    """POST as autosave.js does: CSRF header, background header, no page visit first."""
    if "csrftoken" not in http.cookies:
        http.get(reverse("core:login"))
    token = http.cookies["csrftoken"].value
    headers = {"HTTP_X_CSRFTOKEN": token, **BACKGROUND}
    return http.post(url("ipt:note_autosave", note), note_form(note, **data), **headers)


def test_it_saves_the_draft_and_returns_the_new_version(cast: SimpleNamespace) -> None:
    response = _autosave(signed_in(cast.therapist), cast.note, symptom_review="Sleep better")
    assert response.status_code == 200
    assert response.json()["version"] == 2
    assert re.fullmatch(r"\d\d:\d\d E[SD]T", response.json()["saved_at"])  # New York, named
    cast.note.refresh_from_db()
    assert (cast.note.symptom_review, cast.note.version) == ("Sleep better", 2)
    event = AuditEvent.objects.get(action="ipt.note.autosaved")
    assert event.fields == ["symptom_review"]
    assert "Sleep" not in str(event.__dict__)  # names of fields, never their content


def test_an_unchanged_save_writes_nothing(cast: SimpleNamespace) -> None:
    response = _autosave(signed_in(cast.therapist), cast.note)
    assert response.json()["version"] == 1
    assert not AuditEvent.objects.filter(action="ipt.note.autosaved").exists()


def test_a_stale_save_is_a_409_with_both_texts_and_writes_nothing(cast: SimpleNamespace) -> None:
    update_sealed(
        SessionNote.objects.filter(pk=cast.note.pk),
        interval_events="Their account of the week",
        version=3,
    )
    response = _autosave(
        signed_in(cast.therapist), cast.note, interval_events="My account of the week"
    )
    assert response.status_code == 409
    assert response["X-Rapport-Version"] == "3"
    body = response.content.decode()
    assert "Their account of the week" in body
    assert "My account of the week" in body
    assert 'data-take-theirs="interval_events"' in body
    cast.note.refresh_from_db()
    assert (cast.note.interval_events, cast.note.version) == ("Their account of the week", 3)


def test_a_repeated_save_of_the_same_text_is_no_conflict(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    assert _autosave(http, cast.note, interval_events="Same").status_code == 200
    # The same save again, still based on version 1 (a retry after a lost answer).
    assert _autosave(http, cast.note, interval_events="Same").status_code == 200
    cast.note.refresh_from_db()
    assert cast.note.version == 2


def test_invalid_input_is_explained_and_not_saved(cast: SimpleNamespace) -> None:
    response = _autosave(signed_in(cast.therapist), cast.note, mood_rating="12")
    assert response.status_code == 400
    assert "less than or equal to 10" in response.json()["message"]
    cast.note.refresh_from_db()
    assert cast.note.mood_rating is None


def test_a_signed_note_refuses_autosave(cast: SimpleNamespace) -> None:
    SessionNote.objects.filter(pk=cast.note.pk).update(status=SessionNote.Status.SIGNED)
    response = _autosave(signed_in(cast.therapist), cast.note, interval_events="Late")
    assert response.status_code == 409
    assert response.json()["locked"] is True


def test_only_the_author_autosaves(cast: SimpleNamespace) -> None:
    assert _autosave(signed_in(cast.supervisor), cast.note).status_code == 403
    assert _autosave(signed_in(cast.colleague), cast.note).status_code == 404
    assert _autosave(signed_in(cast.outsider), cast.note).status_code == 404


def test_autosave_does_not_extend_the_idle_session(cast: SimpleNamespace, settings) -> None:
    http = signed_in(cast.therapist)
    with time_machine.travel("2026-11-20 10:00Z", tick=False) as traveller:
        http.get(url("ipt:note", cast.note))  # a real visit: the idle clock starts
        seen = http.session[SESSION_SEEN]
        traveller.shift(settings.RAPPORT_SESSION_IDLE_SECONDS - 60)
        assert _autosave(http, cast.note, symptom_review="typed").status_code == 200
        assert http.session[SESSION_SEEN] == seen  # background: the clock did not move
        traveller.shift(120)  # past the idle limit since the last real visit
        response = _autosave(http, cast.note, symptom_review="typed more")
        assert response.status_code == 401
    cast.note.refresh_from_db()
    assert cast.note.symptom_review == "typed"
