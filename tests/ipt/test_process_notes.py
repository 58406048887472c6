"""Process notes (HIPAA psychotherapy notes): their author's alone, everywhere."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from rapport.core.models import AuditEvent
from rapport.ipt.models import ProcessNote
from tests.factories import PROCESS_NOTE_SECRET, csrf_post, signed_in
from tests.ipt.notes_helpers import url


def test_the_author_reads_and_saves_their_process_note(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    body = http.get(url("ipt:process_note", cast.note)).content.decode()
    assert PROCESS_NOTE_SECRET in body
    assert AuditEvent.objects.filter(action="ipt.process_note.viewed").exists()
    data = {"text": "New impressions", "version": cast.process_note.version}
    response = csrf_post(http, url("ipt:process_note", cast.note), data)
    assert response.status_code == 302
    cast.process_note.refresh_from_db()
    assert cast.process_note.text == "New impressions"
    event = AuditEvent.objects.get(action="ipt.process_note.saved")
    assert event.fields == ["text"]


@pytest.mark.parametrize("role", ["supervisor", "colleague", "intake", "admin", "outsider"])
def test_everyone_else_gets_404(cast: SimpleNamespace, role: str) -> None:
    http = signed_in(getattr(cast, role))
    response = http.get(url("ipt:process_note", cast.note))
    assert response.status_code == 404
    assert PROCESS_NOTE_SECRET.encode() not in response.content
    response = csrf_post(http, url("ipt:process_note", cast.note), {"text": "overwrite"})
    assert response.status_code == 404
    cast.process_note.refresh_from_db()
    assert cast.process_note.text == PROCESS_NOTE_SECRET


def test_the_supervisor_sees_no_trace_of_it_on_the_note_or_list(cast: SimpleNamespace) -> None:
    http = signed_in(cast.supervisor)
    for page in (url("ipt:note", cast.note), url("ipt:notes", cast.episode)):
        body = http.get(page).content.decode()
        assert PROCESS_NOTE_SECRET not in body
        assert url("ipt:process_note", cast.note) not in body
        assert "Process note" not in body


def test_the_author_starts_one_on_a_new_note(cast: SimpleNamespace) -> None:
    cast.process_note.delete()
    http = signed_in(cast.therapist)
    response = csrf_post(http, url("ipt:process_note", cast.note), {"text": "First", "version": ""})
    assert response.status_code == 302
    assert ProcessNote.objects.get(note=cast.note).author == cast.therapist


def _autosave(http, note, text: str, version: object):
    if "csrftoken" not in http.cookies:
        http.get(reverse("core:login"))
    return http.post(
        url("ipt:process_note_autosave", note),
        {"text": text, "version": version},
        HTTP_X_CSRFTOKEN=http.cookies["csrftoken"].value,
        HTTP_X_RAPPORT_BACKGROUND="1",
    )


def test_autosave_works_and_a_stale_save_keeps_both_texts(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    response = _autosave(http, cast.note, "Draft one", 1)
    assert response.status_code == 200
    assert response.json()["version"] == 2
    response = _autosave(http, cast.note, "From an old tab", 1)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Draft one" in body
    assert "From an old tab" in body
    cast.process_note.refresh_from_db()
    assert cast.process_note.text == "Draft one"
    assert _autosave(signed_in(cast.supervisor), cast.note, "x", 2).status_code == 404
