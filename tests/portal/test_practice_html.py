"""The practice and message pages, with entries, alerts and threads in them, are valid HTML
(the matrix walk in tests/test_html_valid.py sees them mostly empty)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse

from rapport.ipt import practice
from rapport.ipt.models import PracticeKind
from rapport.portal import messaging
from rapport.portal.models import PortalSettings
from tests.factories import csrf_post, make_note, signed_in
from tests.portal.practice_helpers import client_session
from tests.test_html_valid import JAVA, _vnu_errors

W = {"happened": "a", "said": "b", "meant": "c", "heard": "d", "felt": "e", "next_time": "f"}


@pytest.mark.skipif(not JAVA, reason="needs Java: `make test` installs it")
def test_practice_and_message_pages_with_content_are_valid_html(cast, tmp_path: Path) -> None:
    PortalSettings.objects.create(clinic=cast.clinic, messages_enabled=True)
    mood = practice.assign(cast.note, PracticeKind.MOOD, "Evenings", by=cast.therapist)
    comm = practice.assign(cast.note, PracticeKind.COMMUNICATION, "", by=cast.therapist)
    rp = practice.assign(cast.note, PracticeKind.ROLE_PLAY, "", by=cast.therapist)
    e1 = practice.record_entry(mood, mood=1, answers={"event": "x"})
    for _n in range(12):
        practice.record_entry(mood, mood=5, answers={"event": "x"})
    practice.record_entry(comm, mood=None, answers=W)
    for _n in range(4):
        practice.record_entry(comm, mood=None, answers=W)
    account, http = client_session(cast)
    m = messaging.send_from_client(account, "I want to die").message
    messaging.send_from_care_team(cast.client, cast.therapist, "ok")
    staff = signed_in(cast.therapist)
    second = make_note(cast.episode, number=2, held_on=cast.note.held_on + timedelta(days=200))
    pages = [
        http.get(reverse("portal:practice")),
        http.get(reverse("portal:practice_write", args=[mood.public_id])),
        http.get(reverse("portal:practice_write", args=[comm.public_id])),
        http.get(reverse("portal:practice_write", args=[rp.public_id])),
        csrf_post(http, reverse("portal:practice_write", args=[mood.public_id]), {"mood": "x"}),
        http.get(reverse("portal:practice_entry", args=[e1.entry.public_id])),
        http.get(reverse("portal:messages")),
        http.get(reverse("portal:message_sent", args=[m.public_id])),
        staff.get(reverse("portal:care_messages", args=[cast.client.public_id])),
        staff.get(reverse("ipt:practice", args=[cast.episode.public_id])),
        staff.get(reverse("ipt:note", args=[second.public_id])),
        staff.get(reverse("ipt:note", args=[cast.note.public_id])),
        csrf_post(staff, reverse("ipt:practice_assign", args=[cast.note.public_id]), {}),
        staff.get(reverse("measures:alert", args=[e1.alerts[0].public_id])),
        staff.get(reverse("clients:clinical", args=[cast.client.public_id])),
    ]
    practice.stop(rp, by=cast.therapist)
    pages.append(
        csrf_post(http, reverse("portal:practice_write", args=[rp.public_id]), {"person": "z"})
    )
    files = []
    for i, page in enumerate(pages):
        assert page.status_code == 200, (i, page.status_code)
        p = tmp_path / f"{i}.html"
        p.write_bytes(page.content)
        files.append(p)
    errors = _vnu_errors(files)
    assert not errors, "\n".join(
        f"{Path(e.get('url', '')).name} line {e.get('lastLine')}: {e['message']}" for e in errors
    )
