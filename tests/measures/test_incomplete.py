"""Incomplete responses with a safety answer (safety.md §5.1, measures.md §2.2): stored, alerted,
crisis resources at once, then completed from the same link or in session."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from rapport.measures import charts, invitations, outcomes
from rapport.measures.models import Invitation, OutcomeFlag, Response, SafetyAlert
from rapport.measures.services import AlreadyCompleted, record_response
from tests.factories import csrf_post, signed_in
from tests.measures.admin_helpers import (
    gad7,
    phq9,
    post_data,
    schedule_invitation,
    send_and_read_token,
)

CRISIS = "This form is not monitored in real time."


def _open_link(cast: SimpleNamespace) -> str:
    cast.clinic.crisis_resources = [{"label": "Riverside crisis line", "contact": "555-0100"}]
    cast.clinic.save()
    schedule_invitation(cast.client, cast.episode)
    return reverse("questionnaires:form", args=[send_and_read_token()])


def _submit(url: str, answers: dict, extra: dict | None = None) -> object:
    http = HttpClient(enforce_csrf_checks=True)
    http.get(reverse("core:login"))  # any form page sets the CSRF cookie
    token = http.cookies["csrftoken"].value
    return http.post(url, post_data(answers) | (extra or {}) | {"csrfmiddlewaretoken": token})


def _skipping(answers: dict, *keys: str) -> dict:
    return {key: value for key, value in answers.items() if key not in keys}


def _fieldsets(html: str) -> int:
    return html.count('<fieldset class="question')


def _incomplete_in_session(cast: SimpleNamespace, answers: dict | None = None) -> Response:
    return record_response(
        client=cast.client,
        instrument_code="phq9",
        answers=answers or _skipping(phq9(item9=1, rest=1), "q4"),
        mode=Response.Mode.IN_SESSION,
        entered_by=cast.therapist,
        context_id=cast.episode.public_id,
        session_number=2,
        allow_incomplete=True,
    )


# ---------------------------------------------------------------- the e-mailed link


def test_it_stores_a_positive_item_9_with_its_alert_when_another_item_is_skipped(
    cast: SimpleNamespace,
) -> None:
    url = _open_link(cast)
    page = _submit(url, {"phq9": _skipping(phq9(item9=1), "q4"), "gad7": gad7(1)})
    html = page.content.decode()
    assert page.status_code == 200
    assert CRISIS in html
    assert html.index("crisis-now") < html.index("<h1")  # at once, before anything else
    assert 'href="tel:555-0100"' in html
    incomplete = Response.objects.get(instrument="phq9")
    assert (incomplete.complete, incomplete.total, incomplete.band) == (False, None, "")
    assert incomplete.answers["q9"] == 1
    alert = SafetyAlert.objects.get()
    assert (alert.response, alert.item, alert.value) == (incomplete, "q9", 1)
    assert Response.objects.get(instrument="gad7").complete  # fully answered: stored as usual


def test_it_invites_the_person_to_answer_only_the_questions_left(cast: SimpleNamespace) -> None:
    url = _open_link(cast)
    page = _submit(url, {"phq9": _skipping(phq9(item9=1), "q4"), "gad7": gad7(1)})
    html = page.content.decode()
    assert "Thank you: your answers so far are sent" in html
    assert "1 question is still unanswered." in html
    assert _fieldsets(html) == 1
    assert 'name="phq9-q4"' in html
    assert 'name="phq9-q9"' not in html  # never asked again
    assert "Please check your answers" not in html  # an invitation, not an error

    listing = signed_in(cast.therapist).get(reverse("ipt:measures", args=[cast.episode.public_id]))
    assert "Part answered: open for the rest" in listing.content.decode()

    later = HttpClient().get(url)  # the same link, opened again
    assert later.status_code == 200
    assert "Finish your check-in" in later.content.decode()
    assert CRISIS in later.content.decode()
    assert _fieldsets(later.content.decode()) == 1


def test_it_records_the_rest_as_a_complete_response_that_completes_the_first(
    cast: SimpleNamespace,
) -> None:
    url = _open_link(cast)
    _submit(url, {"phq9": _skipping(phq9(item9=1, rest=2), "q4"), "gad7": gad7(1)})
    incomplete = Response.objects.get(instrument="phq9")
    assert Invitation.objects.get().status == Invitation.Status.SENT

    page = _submit(url, {"phq9": {"q4": 3}})
    assert page.status_code == 200
    assert "your answers are sent" in page.content.decode()
    assert CRISIS in page.content.decode()  # its safety answer still stands
    completion = Response.objects.get(completes=incomplete)
    assert completion.complete
    assert completion.answers == incomplete.answers | {"q4": 3}
    assert (completion.total, completion.band) == (7 * 2 + 3 + 1, "moderately severe")
    assert completion.invitation == incomplete.invitation
    # The same answer to item 9 already has its alert: not a second one.
    assert SafetyAlert.objects.count() == 1
    assert Response.objects.filter(instrument="gad7").count() == 1
    assert Invitation.objects.get().status == Invitation.Status.COMPLETED
    again = HttpClient().get(url)
    assert again.status_code == 410
    assert _submit(url, {"phq9": {"q4": 0}}).status_code == 410
    assert Response.objects.filter(instrument="phq9").count() == 2


def test_it_stores_an_unfinished_questionnaire_without_a_safety_answer_only_once_complete(
    cast: SimpleNamespace,
) -> None:
    url = _open_link(cast)
    page = _submit(url, {"phq9": _skipping(phq9(item9=2), "q4"), "gad7": _skipping(gad7(1), "q2")})
    html = page.content.decode()
    assert not Response.objects.filter(instrument="gad7").exists()
    assert Response.objects.get(instrument="phq9").complete is False
    assert "2 questions are still unanswered." in html
    assert _fieldsets(html) == 2  # PHQ-9 item 4 and GAD-7 item 2, nothing else
    assert '<input type="hidden" name="gad7-q1" value="1">' in html  # sent, kept, not asked

    # The page posts the kept answers back with the two new ones.
    kept = _skipping(gad7(1), "q2")
    _submit(url, {"phq9": {"q4": 0}, "gad7": kept | {"q2": 1}})
    assert Response.objects.get(instrument="gad7", complete=True).total == 7
    assert Response.objects.filter(instrument="phq9", complete=True).count() == 1
    assert Invitation.objects.get().status == Invitation.Status.COMPLETED


def test_it_keeps_errors_and_stores_nothing_when_no_safety_answer_is_given(
    cast: SimpleNamespace,
) -> None:
    url = _open_link(cast)
    page = _submit(url, {"phq9": _skipping(phq9(rest=1), "q4"), "gad7": gad7(1)})
    html = page.content.decode()
    assert "Please check your answers" in html
    assert 'href="#phq9-q4"' in html
    assert CRISIS not in html
    assert not Response.objects.exists()
    assert Invitation.objects.get().used_at is None


def test_it_never_stores_a_value_off_the_scale_even_beside_a_safety_answer(
    cast: SimpleNamespace,
) -> None:
    url = _open_link(cast)
    answers = _skipping(phq9(item9=1), "q4") | {"q1": 7}
    page = _submit(url, {"phq9": answers, "gad7": gad7(1)})
    html = page.content.decode()
    assert "Choose one of the answers" in html
    assert CRISIS in html  # nothing stored, but help is shown at once
    assert not Response.objects.exists()
    assert Invitation.objects.get().used_at is None


def test_it_asks_the_rest_again_with_errors_when_it_is_still_unfinished(
    cast: SimpleNamespace,
) -> None:
    url = _open_link(cast)
    _submit(url, {"phq9": _skipping(phq9(item9=1), "q4", "q5"), "gad7": gad7(1)})
    page = _submit(url, {"phq9": {"q4": 1}})
    html = page.content.decode()
    assert "Please check your answers" in html
    assert 'href="#phq9-q5"' in html
    assert 'name="phq9-q4" value="1" checked' in html
    assert Response.objects.filter(instrument="phq9").count() == 1  # nothing more stored
    assert SafetyAlert.objects.count() == 1


def test_it_answers_410_once_an_unfinished_link_expires_and_keeps_what_was_stored(
    cast: SimpleNamespace,
) -> None:
    url = _open_link(cast)
    _submit(url, {"phq9": _skipping(phq9(item9=1), "q4"), "gad7": gad7(1)})
    with time_machine.travel(timezone.now() + timedelta(hours=73)):
        page = HttpClient().get(url)
        assert page.status_code == 410
        assert b"This link has expired" in page.content
        late = _submit(url, {"phq9": {"q4": 0}})
        assert late.status_code == 410
    assert Response.objects.filter(instrument="phq9").count() == 1
    assert SafetyAlert.objects.get().status == SafetyAlert.Status.OPEN


def test_it_shows_crisis_resources_when_a_closed_link_receives_a_safety_answer(
    cast: SimpleNamespace,
) -> None:
    url = _open_link(cast)
    _submit(url, {"phq9": phq9(), "gad7": gad7(0)})
    page = _submit(url, {"phq9": phq9(item9=3), "gad7": gad7(0)})
    assert page.status_code == 410
    assert CRISIS in page.content.decode()
    assert Response.objects.count() == 2


def test_it_lets_one_of_two_submissions_of_the_rest_take_the_link(cast: SimpleNamespace) -> None:
    url = _open_link(cast)
    _submit(url, {"phq9": _skipping(phq9(item9=1), "q4"), "gad7": gad7(1)})
    # Two requests that each loaded the unfinished link before either sent the rest.
    first, second = Invitation.objects.get(), Invitation.objects.get()
    assert invitations.state(first) == invitations.UNFINISHED
    assert invitations.mark_continued(first, finished=True) is True
    assert invitations.mark_continued(second, finished=True) is False
    assert invitations.mark_used(second) is False
    assert invitations.state(Invitation.objects.get()) == invitations.USED


# ---------------------------------------------------------------- the service


def test_it_raises_no_second_alert_for_the_answer_a_completion_repeats(
    cast: SimpleNamespace,
) -> None:
    incomplete = _incomplete_in_session(cast)
    assert incomplete.alerts.count() == 1
    completion = record_response(
        client=cast.client,
        instrument_code="phq9",
        answers=incomplete.answers | {"q4": 1},
        mode=Response.Mode.IN_SESSION,
        entered_by=cast.therapist,
        context_id=cast.episode.public_id,
        session_number=2,
        completes=incomplete,
    )
    assert completion.complete
    assert completion.total == 9
    assert not completion.alerts.exists()
    assert SafetyAlert.objects.count() == 1
    with pytest.raises(AlreadyCompleted):
        record_response(
            client=cast.client,
            instrument_code="phq9",
            answers=completion.answers,
            mode=Response.Mode.IN_SESSION,
            completes=incomplete,
        )


def test_it_refuses_a_completion_that_changes_an_answer_given(cast: SimpleNamespace) -> None:
    incomplete = _incomplete_in_session(cast)
    with pytest.raises(ValueError, match="correction"):
        record_response(
            client=cast.client,
            instrument_code="phq9",
            answers=incomplete.answers | {"q4": 1, "q9": 0},
            mode=Response.Mode.IN_SESSION,
            completes=incomplete,
        )
    assert not Response.objects.filter(completes=incomplete).exists()


def test_it_alerts_on_a_new_safety_answer_given_while_completing_even_if_still_unfinished(
    cast: SimpleNamespace,
) -> None:
    def phqa(answers: dict, completes: Response | None = None) -> Response:
        return record_response(
            client=cast.client,
            instrument_code="phqa",
            answers=answers,
            mode=Response.Mode.REMOTE,
            completes=completes,
            allow_incomplete=True,
        )

    # Item 9 and "past year" skipped; a lifetime attempt: urgent.
    begun = phqa({f"q{n}": 1 for n in range(1, 9)} | {"serious_thoughts": 0, "attempt": 1})
    assert [(a.item, a.value) for a in begun.alerts.all()] == [("attempt", 1)]
    # Item 9 answered now, "past year" still not: a new safety answer, stored and alerted.
    continued = phqa(begun.answers | {"q9": 2}, completes=begun)
    assert continued.complete is False
    assert [(a.item, a.value) for a in continued.alerts.all()] == [("q9", 2)]
    # The rest: complete, scored, and nothing alerted twice.
    done = phqa(continued.answers | {"past_year": 0}, completes=continued)
    assert (done.complete, done.total) == (True, 10)
    assert not done.alerts.exists()
    assert SafetyAlert.objects.count() == 2


def test_it_stores_nothing_unfinished_when_its_only_safety_answer_was_alerted_before(
    cast: SimpleNamespace,
) -> None:
    incomplete = _incomplete_in_session(cast, _skipping(phq9(item9=1, rest=1), "q4", "q5"))
    with pytest.raises(Exception, match="q5"):
        record_response(
            client=cast.client,
            instrument_code="phq9",
            answers=incomplete.answers | {"q4": 1},  # q5 still unanswered
            mode=Response.Mode.IN_SESSION,
            completes=incomplete,
            allow_incomplete=True,
        )
    assert Response.objects.count() == 1


def test_it_leaves_incomplete_responses_out_of_charts_and_outcome_rules(
    cast: SimpleNamespace,
) -> None:
    for session, rest in ((1, 2), (2, 2), (3, 2)):
        record_response(
            client=cast.client,
            instrument_code="phq9",
            answers=phq9(rest=rest),
            mode=Response.Mode.IN_SESSION,
            context_id=cast.episode.public_id,
            session_number=session,
        )
    incomplete = record_response(
        client=cast.client,
        instrument_code="phq9",
        answers=_skipping(phq9(item9=3, rest=3), "q1"),
        mode=Response.Mode.IN_SESSION,
        context_id=cast.episode.public_id,
        session_number=4,
        allow_incomplete=True,
    )
    responses = list(Response.objects.order_by("submitted_at", "pk"))
    assert incomplete not in charts.by_instrument(responses)["phq9"]
    assert [p.total for p in outcomes.series(cast.episode.public_id, "phq9")] == [16, 16, 16]
    assert not OutcomeFlag.objects.filter(response=incomplete).exists()


# ---------------------------------------------------------------- in session


def _enter(cast: SimpleNamespace, answers: dict, session: int = 2) -> object:
    url = reverse("ipt:measures_enter", args=[cast.episode.public_id, "phq9"])
    data = post_data({"phq9": answers}) | {"session_number": session}
    return csrf_post(signed_in(cast.therapist), url, data)


def test_it_stores_an_incomplete_in_session_entry_with_its_alert_and_crisis_guidance(
    cast: SimpleNamespace,
) -> None:
    page = _enter(cast, _skipping(phq9(item9=2), "q4"))
    html = page.content.decode()
    assert page.status_code == 200
    assert CRISIS in html
    assert "a safety alert is open" in html
    assert "Recorded as incomplete" in html
    response = Response.objects.get()
    assert (response.complete, response.total, response.session_number) == (False, None, 2)
    assert SafetyAlert.objects.get().response == response
    complete_url = reverse(
        "ipt:measures_complete", args=[cast.episode.public_id, response.public_id]
    )
    assert complete_url in html

    listing = signed_in(cast.therapist).get(reverse("ipt:measures", args=[cast.episode.public_id]))
    assert "incomplete</span>" in listing.content.decode()
    assert complete_url in listing.content.decode()


def test_it_keeps_errors_in_session_when_no_safety_answer_is_given(cast: SimpleNamespace) -> None:
    page = _enter(cast, _skipping(phq9(rest=1), "q4"))
    assert b"Please check your answers" in page.content
    assert not Response.objects.exists()


def test_it_completes_an_incomplete_response_later_asking_only_what_is_unanswered(
    cast: SimpleNamespace,
) -> None:
    incomplete = _incomplete_in_session(cast)
    http = signed_in(cast.therapist)
    url = reverse("ipt:measures_complete", args=[cast.episode.public_id, incomplete.public_id])
    form = http.get(url).content.decode()
    assert _fieldsets(form) == 1
    assert 'name="phq9-q4"' in form
    assert "Answered: Several days" in form  # the given answers, read-only
    assert CRISIS in form

    page = csrf_post(http, url, post_data({"phq9": {"q4": 2}}))
    assert page.status_code == 200
    completion = Response.objects.get(completes=incomplete)
    assert (completion.total, completion.session_number, completion.complete) == (10, 2, True)
    assert completion.entered_by == cast.therapist
    assert SafetyAlert.objects.count() == 1
    assert http.get(url).status_code == 404  # completed: nothing left to complete
    listing = http.get(reverse("ipt:measures", args=[cast.episode.public_id])).content.decode()
    assert "completed later" in listing


def test_it_closes_the_link_when_its_rest_is_completed_in_session(cast: SimpleNamespace) -> None:
    link = _open_link(cast)
    _submit(link, {"phq9": _skipping(phq9(item9=1), "q4"), "gad7": gad7(1)})
    incomplete = Response.objects.get(instrument="phq9")
    url = reverse("ipt:measures_complete", args=[cast.episode.public_id, incomplete.public_id])
    csrf_post(signed_in(cast.therapist), url, post_data({"phq9": {"q4": 0}}))
    assert Response.objects.get(completes=incomplete).mode == Response.Mode.IN_SESSION
    assert HttpClient().get(link).status_code == 410
    assert _submit(link, {"phq9": {"q4": 3}}).status_code == 410
    assert Response.objects.filter(instrument="phq9").count() == 2


def test_it_completes_rather_than_corrects_an_incomplete_response(cast: SimpleNamespace) -> None:
    incomplete = _incomplete_in_session(cast)
    http = signed_in(cast.therapist)
    detail = http.get(reverse("measures:response", args=[incomplete.public_id])).content.decode()
    assert "Incomplete response." in detail
    assert "Correct this response" not in detail
    page = http.get(reverse("measures:response_correct", args=[incomplete.public_id]))
    assert page.status_code == 302
    assert Response.objects.count() == 1


def test_it_stores_a_complete_questionnaire_with_a_safety_answer_beside_an_unanswered_one(
    cast: SimpleNamespace,
) -> None:
    url = _open_link(cast)
    page = _submit(url, {"phq9": phq9(item9=1), "gad7": {}})
    assert CRISIS in page.content.decode()
    response = Response.objects.get()
    assert (response.instrument, response.complete, response.total) == ("phq9", True, 1)
    assert SafetyAlert.objects.get().response == response
    assert _fieldsets(page.content.decode()) == 8  # GAD-7, asked again; PHQ-9 is done
    _submit(url, {"gad7": gad7(0)})
    assert Response.objects.get(instrument="gad7").total == 0
    assert HttpClient().get(url).status_code == 410
