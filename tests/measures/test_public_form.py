"""The public questionnaire form: validation, one transaction, crisis resources, used links."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import time_machine
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from rapport.core.models import AuditEvent
from rapport.measures.models import Invitation, Response, SafetyAlert
from tests.measures.admin_helpers import (
    gad7,
    phq9,
    post_data,
    schedule_invitation,
    send_and_read_token,
)

CRISIS = b"This form is not monitored in real time."


def _open_link(cast: SimpleNamespace) -> str:
    cast.clinic.crisis_resources = [{"label": "Riverside crisis line", "contact": "555-0100"}]
    cast.clinic.save()
    schedule_invitation(cast.client, cast.episode)
    return reverse("questionnaires:form", args=[send_and_read_token()])


def _submit(url: str, answers: dict) -> object:
    http = HttpClient(enforce_csrf_checks=True)
    http.get(reverse("core:login"))  # any form page sets the CSRF cookie
    token = http.cookies["csrftoken"].value
    return http.post(url, post_data(answers) | {"csrfmiddlewaretoken": token})


def test_it_shows_each_instrument_with_its_wording_as_radio_groups(cast: SimpleNamespace) -> None:
    page = HttpClient().get(_open_link(cast))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Little interest or pleasure in doing things" in html
    assert "Feeling nervous, anxious, or on edge" in html
    assert html.count('<fieldset class="question') == 10 + 8  # PHQ-9 + difficulty, GAD-7 + 1
    assert 'name="phq9-q9"' in html
    assert 'type="radio"' in html
    assert "Part 1 of 2" in html
    assert "Part 2 of 2" in html
    assert cast.client.family_name not in html  # nothing identifies the client on the page
    assert AuditEvent.objects.get(action="measures.invitation.opened").actor is None


def test_it_records_every_response_in_one_go_and_closes_the_link(cast: SimpleNamespace) -> None:
    url = _open_link(cast)
    page = _submit(url, {"phq9": phq9(rest=1), "gad7": gad7(1)})
    assert page.status_code == 200
    assert b"your answers are sent" in page.content
    assert CRISIS not in page.content  # calm thank-you when nothing triggers
    responses = Response.objects.order_by("instrument")
    assert [(r.instrument, r.total, r.mode) for r in responses] == [
        ("gad7", 7, "remote"),
        ("phq9", 8, "remote"),
    ]
    invitation = Invitation.objects.get()
    assert invitation.status == Invitation.Status.COMPLETED
    assert invitation.used_at
    assert {r.invitation_id for r in responses} == {invitation.pk}
    assert {r.context_id for r in responses} == {cast.episode.public_id}
    events = AuditEvent.objects.filter(action="measures.response.submitted_remotely")
    assert events.count() == 2
    assert {e.actor for e in events} == {None}


def test_it_shows_crisis_resources_at_once_when_item_9_is_positive(cast: SimpleNamespace) -> None:
    url = _open_link(cast)
    page = _submit(url, {"phq9": phq9(item9=1), "gad7": gad7(0)})  # total 1: minimal
    html = page.content.decode()
    assert CRISIS.decode() in html
    crisis_at = html.index("crisis-now")
    assert crisis_at < html.index("<h1")  # at the top, before the thank-you
    assert 'href="tel:555-0100"' in html[crisis_at : html.index("<h1")]
    assert SafetyAlert.objects.filter(client=cast.client).count() == 1


def test_it_keeps_answers_and_records_nothing_when_an_item_is_missing(
    cast: SimpleNamespace,
) -> None:
    url = _open_link(cast)
    answers = phq9(rest=2)
    del answers["q9"]  # §2.2: item 9 is mandatory, never prorated
    page = _submit(url, {"phq9": answers, "gad7": gad7(1)})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Please check your answers" in html
    assert 'href="#phq9-q9"' in html
    assert 'name="phq9-q3" value="2" checked' in html  # kept
    assert 'name="gad7-q1" value="1" checked' in html
    assert not Response.objects.exists()
    assert Invitation.objects.get().used_at is None


def test_it_refuses_a_value_off_the_scale(cast: SimpleNamespace) -> None:
    url = _open_link(cast)
    page = _submit(url, {"phq9": phq9() | {"q1": 7}, "gad7": gad7(0)})
    assert b"Choose one of the answers" in page.content
    assert not Response.objects.exists()


def test_it_shows_a_clear_message_for_a_reused_link_and_records_nothing(
    cast: SimpleNamespace,
) -> None:
    url = _open_link(cast)
    _submit(url, {"phq9": phq9(), "gad7": gad7(0)})
    assert Response.objects.count() == 2
    again = HttpClient().get(url)
    assert again.status_code == 410
    assert b"already been completed" in again.content
    resubmit = _submit(url, {"phq9": phq9(item9=3), "gad7": gad7(3)})
    assert resubmit.status_code == 410
    assert Response.objects.count() == 2
    assert not SafetyAlert.objects.exists()


def test_it_shows_a_clear_message_for_an_expired_link_and_records_nothing(
    cast: SimpleNamespace,
) -> None:
    url = _open_link(cast)
    with time_machine.travel(timezone.now() + timedelta(hours=73)):
        page = HttpClient().get(url)
        assert page.status_code == 410
        assert b"This link has expired" in page.content
        assert _submit(url, {"phq9": phq9(), "gad7": gad7(0)}).status_code == 410
    assert not Response.objects.exists()


def test_it_answers_a_forged_link_with_the_same_page_for_everyone(cast: SimpleNamespace) -> None:
    schedule_invitation(cast.client, cast.episode)  # scheduled, not sent: no token works yet
    page = HttpClient().get(reverse("questionnaires:form", args=["forged-token"]))
    assert page.status_code == 404
    assert b"This link does not work" in page.content
