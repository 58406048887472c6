"""Bad input to the practice, message and assign forms: a clear refusal, nothing stored."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rapport.ipt.models import PracticeAssignment, PracticeEntry, PracticeKind
from rapport.portal.models import Message, PortalSettings
from tests.factories import csrf_post, signed_in
from tests.portal.practice_helpers import assign, client_session

NASTY = ["\x00", "x" * 100_000, "-1", "99999999999999999999", "", "   "]
# The form again with its errors (200), or the app's refusal of unreadable input (400).
REFUSED = {200, 400}


@pytest.mark.parametrize("value", NASTY)
def test_the_mood_form_refuses_bad_values(cast, value: str) -> None:
    assignment = assign(cast, PracticeKind.MOOD)
    _account, http = client_session(cast)
    url = reverse("portal:practice_write", args=[assignment.public_id])
    page = csrf_post(http, url, {"mood": value, "event": value})
    assert page.status_code in REFUSED
    assert not PracticeEntry.objects.exists()


@pytest.mark.parametrize("value", ["\x00", "x" * 100_000])
def test_the_worksheet_and_message_forms_refuse_bad_text(cast, value: str) -> None:
    PortalSettings.objects.create(clinic=cast.clinic, messages_enabled=True)
    assignment = assign(cast, PracticeKind.COMMUNICATION)
    _account, http = client_session(cast)
    fields = ["happened", "said", "meant", "heard", "felt", "next_time"]
    url = reverse("portal:practice_write", args=[assignment.public_id])
    assert csrf_post(http, url, dict.fromkeys(fields, value)).status_code in REFUSED
    assert csrf_post(http, reverse("portal:messages"), {"body": value}).status_code in REFUSED
    assert not PracticeEntry.objects.exists()
    assert not Message.objects.exists()


def test_the_assign_form_refuses_unknown_kinds(cast) -> None:
    url = reverse("ipt:practice_assign", args=[cast.note.public_id])
    page = csrf_post(signed_in(cast.therapist), url, {"practice-kinds": ["homework", "\x00"]})
    assert page.status_code in REFUSED
    assert not PracticeAssignment.objects.exists()


def test_page_numbers_of_any_shape_answer_a_page(cast) -> None:
    _account, http = client_session(cast)
    for value in ("abc", "-1", "99999999999", "\x00"):
        assert http.get(reverse("portal:practice"), {"page": value}).status_code in REFUSED
    staff = signed_in(cast.therapist)
    note = reverse("ipt:note", args=[cast.note.public_id])
    assert staff.get(note, {"practice": "zz"}).status_code == 200
