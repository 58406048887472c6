"""The consultation request form: validation keeps input, self-screen, spam, rate limit, e-mail."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client as HttpClient

from rapport.core.models import AuditEvent, OutboundEmail
from rapport.intake import ratelimit, services
from rapport.intake.models import ConsultationRequest
from rapport.measures.models import Response
from tests.factories import csrf_post
from tests.intake.public_helpers import CONCERN, URL, details, screen, submit


def self_screen() -> Response | None:
    return services.self_screen(ConsultationRequest.objects.get())


def test_it_stores_a_request_and_confirms(cast: SimpleNamespace) -> None:
    response = submit(details())
    assert response.status_code == 200
    body = response.content.decode()
    assert "Thank you: we received your request" in body
    assert "E-mail" in body
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    made = ConsultationRequest.objects.get()
    assert (made.clinic, made.name, made.concern) == (cast.clinic, "Ada Example", CONCERN)
    assert made.consent_to_contact
    assert not made.urgent
    assert self_screen() is None
    event = AuditEvent.objects.get(action="intake.request.submitted")
    assert event.actor is None
    assert event.object_id == str(made.public_id)
    assert "concern" in event.fields


def test_it_encrypts_the_concern_at_rest(cast: SimpleNamespace) -> None:
    submit(details())
    with connection.cursor() as cursor:
        cursor.execute("SELECT concern FROM intake_consultationrequest")
        (raw,) = cursor.fetchone()
    assert raw
    assert "mother" not in raw
    assert CONCERN not in raw


def test_it_acknowledges_by_e_mail_without_clinical_content(cast: SimpleNamespace) -> None:
    submit(details() | screen(item9=2, others=2))
    (email,) = [e for e in OutboundEmail.objects.all() if e.recipient == "ada@example.com"]
    assert email.subject == "We received your request"
    for part in (email.subject, email.text_body, email.html_body):
        for secret in ("mother", "sleep", "Ada", str(self_screen().total), "PHQ", "severe"):
            assert secret not in part, (secret, part)
    assert "988" in email.text_body
    assert "E-mail" in email.text_body


def test_it_sends_no_e_mail_when_only_a_phone_is_given(cast: SimpleNamespace) -> None:
    submit(details(email="", phone="555 0100", preferred_channel="phone"))
    assert ConsultationRequest.objects.get().phone == "555 0100"
    assert not OutboundEmail.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"email": "", "preferred_channel": "email"}, "Give an e-mail address"),
        ({"phone": "", "preferred_channel": "text"}, "Give a phone number"),
        ({"consent_to_contact": ""}, "We can only reply if you agree to be contacted."),
        ({"concern": ""}, "This field is required."),
        ({"age_group": ""}, "This field is required."),
    ],
)
def test_it_keeps_every_input_on_a_validation_error(
    cast: SimpleNamespace, changes: dict, message: str
) -> None:
    data = details(**changes) | screen(item9=1, others=1)
    data.pop("phq9-q3")  # the self-screen is started but incomplete too
    response = submit(data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Please check the form" in body
    assert message in body
    assert not ConsultationRequest.objects.exists()
    assert not OutboundEmail.objects.exists()
    if changes.get("concern") != "":
        assert CONCERN in body
    if "name" not in changes:
        assert 'value="Ada Example"' in body
    assert 'value="Tuesday evenings"' in body
    # the self-screen answers come back checked
    assert 'name="phq9-q9" value="1" checked' in body
    assert 'name="phq9-q1" value="1" checked' in body


def test_it_requires_a_started_self_screen_to_be_complete(cast: SimpleNamespace) -> None:
    data = details() | {"phq9-q1": "2"}
    response = submit(data)
    body = response.content.decode()
    assert "PHQ-9, question 9: Please answer this question." in body
    assert 'name="phq9-q1" value="2" checked' in body
    assert not ConsultationRequest.objects.exists()


def test_it_scores_the_self_screen_with_the_engine(cast: SimpleNamespace) -> None:
    submit(details() | screen(item9=0, others=2))
    made = ConsultationRequest.objects.get()
    stored = self_screen()
    assert (stored.total, stored.band) == (16, "moderately severe")
    assert (stored.answers["q1"], stored.answers["q9"]) == (2, 0)
    assert (stored.mode, stored.client, stored.subject_id) == ("self_screen", None, made.public_id)
    assert not made.urgent


def test_it_marks_item_9_urgent_and_leads_with_crisis_resources(cast: SimpleNamespace) -> None:
    cast.clinic.crisis_resources = [{"label": "Riverside crisis line", "contact": "0800 111"}]
    cast.clinic.save()
    response = submit(details() | screen(item9=1, others=0))
    body = response.content.decode()
    made = ConsultationRequest.objects.get()
    assert made.urgent
    assert self_screen().total == 1
    crisis = body.index("help is available right now")
    assert crisis < body.index("Thank you: we received your request")
    assert "Riverside crisis line" in body
    assert 'href="tel:0800 111"' in body[crisis:]
    assert "This form is not monitored in real time." in body
    assert "try to contact you today" in body


def test_it_shows_no_crisis_block_without_item_9(cast: SimpleNamespace) -> None:
    body = submit(details() | screen(item9=0, others=3)).content.decode()
    assert "help is available right now" not in body


def test_it_silently_accepts_and_drops_a_filled_honeypot(cast: SimpleNamespace) -> None:
    response = submit(details(website="https://spam.example"))
    assert response.status_code == 200
    assert "Thank you: we received your request" in response.content.decode()
    assert not ConsultationRequest.objects.exists()
    assert not OutboundEmail.objects.exists()
    assert not AuditEvent.objects.filter(action="intake.request.submitted").exists()


def test_it_hides_the_honeypot_from_people_and_assistive_tech(cast: SimpleNamespace) -> None:
    body = HttpClient().get(URL).content.decode()
    trap = body[body.index('class="public-trap"') - 5 :]
    trap = trap[: trap.index("</div>")]
    assert 'aria-hidden="true"' in trap
    assert 'tabindex="-1"' in trap
    assert 'autocomplete="off"' in trap


def test_it_limits_requests_per_address(cast: SimpleNamespace) -> None:
    with time_machine.travel("2026-10-01 09:00Z", tick=False):
        for n in range(ratelimit.LIMIT):
            assert submit(details(name=f"Person {n}")).status_code == 200
        refused = submit(details(name="One too many"))
        assert refused.status_code == 429
        body = refused.content.decode()
        assert "We could not send your request just now" in body
        assert 'value="One too many"' in body
        assert CONCERN in body
        # another address is not affected
        other = csrf_post(HttpClient(), URL, details(name="Neighbour"), REMOTE_ADDR="10.0.0.9")
        assert other.status_code == 200
    assert ConsultationRequest.objects.count() == ratelimit.LIMIT + 1
    with time_machine.travel("2026-10-01 10:01Z", tick=False):
        assert submit(details(name="Next hour")).status_code == 200
    assert ConsultationRequest.objects.filter(name="Next hour").exists()


def test_it_refuses_a_post_without_csrf_token(cast: SimpleNamespace) -> None:
    response = HttpClient(enforce_csrf_checks=True).post(URL, details())
    assert response.status_code == 403
    assert not ConsultationRequest.objects.exists()
