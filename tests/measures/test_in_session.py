"""In-session entry, clinician ratings, corrections, and the episode's response list."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.core.models import AuditEvent
from rapport.measures import instruments
from rapport.measures.models import Response, SafetyAlert
from rapport.measures.services import record_response
from tests.factories import csrf_post, signed_in
from tests.measures.admin_helpers import phq9, post_data


def _enter(cast: SimpleNamespace, code: str, answers: dict, session: int = 1) -> object:
    url = reverse("ipt:measures_enter", args=[cast.episode.public_id, code])
    data = post_data({code: answers}) | {"session_number": session}
    return csrf_post(signed_in(cast.therapist), url, data)


def _stored(cast: SimpleNamespace, answers: dict, **fields: object) -> Response:
    fields.setdefault("mode", Response.Mode.IN_SESSION)
    return record_response(
        client=cast.client,
        instrument_code="phq9",
        answers=answers,
        entered_by=cast.therapist,
        context_id=cast.episode.public_id,
        session_number=1,
        **fields,
    )


def test_it_records_an_in_session_phq9_marked_as_such(cast: SimpleNamespace) -> None:
    page = _enter(cast, "phq9", phq9(rest=2), session=3)
    assert page.status_code == 200
    response = Response.objects.get()
    assert (response.mode, response.total, response.session_number) == ("in_session", 16, 3)
    assert response.entered_by == cast.therapist
    assert response.context_id == cast.episode.public_id
    assert AuditEvent.objects.filter(action="measures.response.entered").exists()
    listing = signed_in(cast.therapist).get(reverse("ipt:measures", args=[cast.episode.public_id]))
    assert b"Entered in session by the clinician" in listing.content


def test_it_shows_crisis_resources_in_session_when_item_9_is_positive(
    cast: SimpleNamespace,
) -> None:
    page = _enter(cast, "phq9", phq9(item9=2))
    assert b"This form is not monitored in real time." in page.content
    assert SafetyAlert.objects.filter(client=cast.client).exists()


def test_it_records_hrsd17_as_clinician_rated(cast: SimpleNamespace) -> None:
    hrsd = instruments.get("hrsd17")
    answers = {item.key: 0 for item in hrsd.items if item.required}
    page = _enter(cast, "hrsd17", answers)
    assert page.status_code == 200, page.content[:3000]
    assert Response.objects.get().mode == Response.Mode.CLINICIAN_RATED


def test_it_keeps_answers_and_stores_nothing_on_a_missing_item(cast: SimpleNamespace) -> None:
    answers = phq9(rest=1)
    del answers["q9"]
    page = _enter(cast, "phq9", answers)
    assert b"Please check your answers" in page.content
    assert b'name="phq9-q2" value="1" checked' in page.content
    assert not Response.objects.exists()


def test_it_refuses_responses_being_changed_in_place(cast: SimpleNamespace) -> None:
    response = _stored(cast, phq9())
    with pytest.raises(TypeError):
        response.save()
    with pytest.raises(TypeError):
        Response.objects.filter(pk=response.pk).update(total=5)


def test_it_records_a_correction_as_a_new_linked_response_with_a_reason(
    cast: SimpleNamespace,
) -> None:
    original = _stored(cast, phq9(rest=1))
    http = signed_in(cast.therapist)
    url = reverse("measures:response_correct", args=[original.public_id])
    form = http.get(url)
    assert b'name="phq9-q1" value="1" checked' in form.content  # original answers prefilled
    page = csrf_post(http, url, post_data({"phq9": phq9(rest=2)}) | {"reason": "Keyed 1 for 2."})
    assert page.status_code == 302
    correction = Response.objects.get(corrects=original)
    assert correction.total == 16
    assert original.total == 8
    assert correction.correction_reason == "Keyed 1 for 2."
    assert correction.entered_by == cast.therapist
    listing = http.get(reverse("ipt:measures", args=[cast.episode.public_id])).content.decode()
    assert "response-superseded" in listing
    assert "<del>8 (Mild)</del> → 16" in listing or "<del>8" in listing
    detail = http.get(reverse("measures:response", args=[original.public_id])).content.decode()
    assert "This response was corrected." in detail


def test_it_requires_a_reason_for_a_correction_and_changes_nothing(
    cast: SimpleNamespace,
) -> None:
    original = _stored(cast, phq9(rest=1))
    url = reverse("measures:response_correct", args=[original.public_id])
    page = csrf_post(signed_in(cast.therapist), url, post_data({"phq9": phq9(rest=2)}))
    assert page.status_code == 200
    assert b"This field is required" in page.content
    assert b'name="phq9-q1" value="2" checked' in page.content  # the new answers are kept
    assert Response.objects.count() == 1


def test_it_sends_a_second_correction_to_the_latest_one(cast: SimpleNamespace) -> None:
    original = _stored(cast, phq9(rest=1))
    http = signed_in(cast.therapist)
    url = reverse("measures:response_correct", args=[original.public_id])
    csrf_post(http, url, post_data({"phq9": phq9(rest=2)}) | {"reason": "first"})
    again = http.get(url)
    assert again.status_code == 302
    assert again.url == reverse("measures:response", args=[original.corrected_by.public_id])


def test_it_shows_item_answers_to_the_therapist_and_audits_the_read(cast: SimpleNamespace) -> None:
    response = _stored(cast, phq9(item9=1))
    page = signed_in(cast.therapist).get(reverse("measures:response", args=[response.public_id]))
    html = page.content.decode()
    assert "Thoughts that you would be better off dead" in html
    assert "Several days" in html
    event = AuditEvent.objects.get(action="measures.response.viewed")
    assert event.actor == cast.therapist
    assert event.fields == []


def test_it_never_shows_answers_to_intake_or_admin(cast: SimpleNamespace) -> None:
    response = _stored(cast, phq9(item9=1))
    for user in (cast.intake, cast.admin):
        page = signed_in(user).get(reverse("measures:response", args=[response.public_id]))
        assert page.status_code == 403
        assert b"Several days" not in page.content


def test_it_lists_responses_in_a_constant_number_of_queries(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    url = reverse("ipt:measures", args=[cast.episode.public_id])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert http.get(url).status_code == 200
        return len(queries)

    _stored(cast, phq9(rest=1))
    http.get(url)  # the first page counts what needs action for the navigation, then keeps it
    few = count()
    for n in range(5):
        original = _stored(cast, phq9(rest=n % 3))
        _stored(cast, phq9(rest=2), corrects=original, correction_reason="typo")
    assert count() == few
