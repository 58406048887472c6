"""Between-session practice in the portal: assigned practice, entries, safety (issue 11 item 5)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.core.models import AuditEvent, OutboundEmail
from rapport.ipt import practice
from rapport.ipt.models import PracticeEntry, PracticeKind
from rapport.measures.models import MeasuresSettings, SafetyAlert
from tests.factories import csrf_post, make_portal_account, portal_signed_in
from tests.portal.practice_helpers import assign, client_session, raw_column

WORKSHEET = {
    "happened": "My sister cancelled our lunch again.",
    "said": "Fine, whatever.",
    "meant": "I miss you and I felt let down.",
    "heard": "That I did not care.",
    "felt": "Hurt, then angry at myself.",
    "next_time": "I was looking forward to seeing you. Can we pick another day?",
}


def test_it_lists_the_practice_the_therapist_assigned_with_the_instruction(cast) -> None:
    assign(cast, PracticeKind.MOOD, "Once a day, in the evening.")
    _account, http = client_session(cast)
    page = http.get(reverse("portal:practice"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Rate your mood today" in text
    assert "Once a day, in the evening." in text
    assert "not monitored around the clock" in text


def test_it_saves_a_mood_entry_encrypted_and_audited(cast) -> None:
    assignment = assign(cast, PracticeKind.MOOD)
    _account, http = client_session(cast)
    url = reverse("portal:practice_write", args=[assignment.public_id])
    answer = csrf_post(http, url, {"mood": "6", "event": "Walked with Dana and talked."})
    entry = PracticeEntry.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("portal:practice_entry", args=[entry.public_id])
    assert entry.mood == 6
    assert entry.answers == {"event": "Walked with Dana and talked."}
    assert "Dana" not in raw_column("ipt_practiceentry", "answers", entry.public_id)
    assert not entry.alerted
    assert not SafetyAlert.objects.exists()
    assert AuditEvent.objects.filter(action="portal.practice.entry_written").exists()
    shown = http.get(answer["Location"]).content.decode()
    assert "Walked with Dana and talked." in shown
    assert "help is available right now" not in shown


def test_it_saves_a_communication_analysis_field_by_field(cast) -> None:
    assignment = assign(cast, PracticeKind.COMMUNICATION)
    _account, http = client_session(cast)
    url = reverse("portal:practice_write", args=[assignment.public_id])
    csrf_post(http, url, WORKSHEET)
    entry = PracticeEntry.objects.get()
    assert entry.answers == WORKSHEET
    shown = http.get(reverse("portal:practice_entry", args=[entry.public_id])).content.decode()
    assert "What did they hear?" in shown
    assert "That I did not care." in shown


def test_it_keeps_what_was_typed_when_a_question_is_left_empty(cast) -> None:
    assignment = assign(cast, PracticeKind.COMMUNICATION)
    _account, http = client_session(cast)
    url = reverse("portal:practice_write", args=[assignment.public_id])
    page = csrf_post(http, url, {**WORKSHEET, "heard": ""})
    assert page.status_code == 200
    assert "Write a few words here." in page.content.decode()
    assert "My sister cancelled our lunch again." in page.content.decode()
    assert not PracticeEntry.objects.exists()


def test_it_refuses_a_mood_outside_0_to_10_and_saves_nothing(cast) -> None:
    assignment = assign(cast, PracticeKind.MOOD)
    _account, http = client_session(cast)
    url = reverse("portal:practice_write", args=[assignment.public_id])
    page = csrf_post(http, url, {"mood": "11"})
    assert page.status_code == 200
    assert not PracticeEntry.objects.exists()


def test_a_mood_of_1_shows_crisis_resources_and_raises_an_alert_for_the_therapist(cast) -> None:
    assignment = assign(cast, PracticeKind.MOOD)
    _account, http = client_session(cast)
    url = reverse("portal:practice_write", args=[assignment.public_id])
    answer = csrf_post(http, url, {"mood": "1", "event": "Argument with my partner."})
    shown = http.get(answer["Location"]).content.decode()
    assert "help is available right now" in shown
    assert cast.clinic.crisis_resources[0]["contact"] in shown
    alert = SafetyAlert.objects.get()
    entry = PracticeEntry.objects.get()
    assert (alert.source, alert.source_id, alert.item, alert.value) == (
        SafetyAlert.Source.PRACTICE,
        entry.public_id,
        "mood",
        1,
    )
    assert alert.owner == cast.therapist
    assert alert.status == SafetyAlert.Status.OPEN
    assert alert.escalate_at is not None
    assert alert.response is None
    email = OutboundEmail.objects.get()
    assert email.recipient == cast.therapist.email
    for part in (email.subject, email.text_body, email.html_body):
        assert "partner" not in part
        assert cast.client.given_name not in part
    assert "between-session practice" in email.text_body


def test_a_mood_of_0_raises_an_alert_and_2_does_not(cast) -> None:
    assignment = assign(cast, PracticeKind.MOOD)
    practice.record_entry(assignment, mood=2, answers={})
    assert not SafetyAlert.objects.exists()
    practice.record_entry(assignment, mood=0, answers={})
    assert SafetyAlert.objects.get().value == 0


def test_words_on_the_risk_phrase_list_raise_a_critical_alert_whatever_the_case(cast) -> None:
    assignment = assign(cast, PracticeKind.COMMUNICATION)
    _account, http = client_session(cast)
    url = reverse("portal:practice_write", args=[assignment.public_id])
    answer = csrf_post(http, url, {**WORKSHEET, "felt": "Like I want to DIE, honestly."})
    assert "help is available right now" in http.get(answer["Location"]).content.decode()
    alert = SafetyAlert.objects.get()
    assert (alert.item, alert.severity) == ("risk_phrase", "critical")


def test_phrases_match_whole_words_only(cast) -> None:
    MeasuresSettings.objects.update_or_create(
        clinic=cast.clinic, defaults={"risk_phrases": ["overdose"]}
    )
    assignment = assign(cast, PracticeKind.ROLE_PLAY)
    answers = {"person": "My doctor", "want": "Talk about overdosed bills", "opening": "Hi"}
    practice.record_entry(assignment, mood=None, answers={**answers, "reply": "", "answer": "x"})
    assert not SafetyAlert.objects.exists()
    answers["want"] = "Tell her about the overdose."
    practice.record_entry(assignment, mood=None, answers=answers)
    assert SafetyAlert.objects.count() == 1


def test_the_alert_page_names_the_source_without_the_clients_words(cast) -> None:
    from tests.factories import signed_in

    assignment = assign(cast, PracticeKind.MOOD)
    recorded = practice.record_entry(assignment, mood=1, answers={"event": "secret words"})
    page = signed_in(cast.therapist).get(
        reverse("measures:alert", args=[recorded.alerts[0].public_id])
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Between-session practice" in text
    assert "Daily mood rating" in text
    assert "secret words" not in text
    assert reverse("ipt:practice", args=[cast.episode.public_id]) in text


def test_a_stopped_practice_takes_no_entry_and_shows_the_words_back(cast) -> None:
    assignment = assign(cast, PracticeKind.COMMUNICATION)
    _account, http = client_session(cast)
    practice.stop(assignment, by=cast.therapist)
    url = reverse("portal:practice_write", args=[assignment.public_id])
    page = csrf_post(http, url, WORKSHEET)
    assert page.status_code == 200
    assert "My sister cancelled our lunch again." in page.content.decode()
    assert not PracticeEntry.objects.exists()


def test_home_lists_todays_mood_rating_until_it_is_given(cast) -> None:
    assignment = assign(cast, PracticeKind.MOOD)
    _account, http = client_session(cast)
    assert "Rate your mood today" in http.get(reverse("portal:home")).content.decode()
    practice.record_entry(assignment, mood=5, answers={})
    assert "Rate your mood today" not in http.get(reverse("portal:home")).content.decode()


def test_a_guardian_is_refused_practice(cast) -> None:
    assignment = assign(cast, PracticeKind.MOOD)
    entry = practice.record_entry(assignment, mood=5, answers={}).entry
    guardian = portal_signed_in(make_portal_account(cast.client, role="guardian"))
    for url in (
        reverse("portal:practice"),
        reverse("portal:practice_write", args=[assignment.public_id]),
        reverse("portal:practice_entry", args=[entry.public_id]),
    ):
        assert guardian.get(url).status_code == 403


def test_another_client_reaches_no_practice_of_this_one(cast) -> None:
    assignment = assign(cast, PracticeKind.MOOD)
    entry = practice.record_entry(assignment, mood=5, answers={}).entry
    other = portal_signed_in(make_portal_account(cast.colleague_client))
    assert (
        other.get(reverse("portal:practice_write", args=[assignment.public_id])).status_code == 404
    )
    assert other.get(reverse("portal:practice_entry", args=[entry.public_id])).status_code == 404
    assert "Rate your mood today" not in other.get(reverse("portal:practice")).content.decode()


def test_the_practice_page_pages_the_clients_entries_at_a_constant_cost(cast) -> None:
    assignment = assign(cast, PracticeKind.MOOD)
    for _n in range(10):
        practice.record_entry(assignment, mood=5, answers={})
    _account, http = client_session(cast)
    http.get(reverse("portal:practice"))  # the session's first page settles its state
    with CaptureQueriesContext(connection) as few:
        http.get(reverse("portal:practice"))
    for _n in range(15):
        practice.record_entry(assignment, mood=5, answers={})
    with CaptureQueriesContext(connection) as many:
        page = http.get(reverse("portal:practice"))
    assert len(many) == len(few)
    assert "Page 1 of 3" in page.content.decode()
