"""One risk record (issue 8 item 4): a session note, the client's open alerts and the plan.

The defect: a note could record passive suicidal thoughts and be signed while the
client's critical alert stayed open, and "safety plan created or updated" was a
checkbox, not a plan.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import time_machine
from django.urls import reverse
from django.utils import timezone

from rapport.core.models import AuditEvent
from rapport.ipt import notes as service
from rapport.ipt.models import SessionNote
from rapport.ipt.models.episodes import SessionAttendance
from rapport.measures import safety_plans
from rapport.measures.models import SafetyAlert, SafetyPlan
from rapport.measures.safety_plans import Person
from tests.factories import csrf_post, make_client, make_episode, make_note, signed_in
from tests.ipt.notes_helpers import note_form, url
from tests.measures.alerts_helpers import SAFETY_PLAN, completed_assessment, raise_alert

DETAIL = "Passive thoughts of being better off dead since Sunday; no plan, no intent."
REFUSED = "This client has an open safety alert."


def _sign(http, note: SessionNote, **changes: object):
    note.refresh_from_db()
    return csrf_post(http, url("ipt:note_sign", note), note_form(note, **changes))


def _ack_url(note: SessionNote, alert: SafetyAlert) -> str:
    return reverse("ipt:note_alert_acknowledge", args=[note.public_id, alert.public_id])


def _passive(**changes: object) -> dict[str, object]:
    return {"suicidality": "passive", "suicidality_detail": DETAIL} | changes


# ------------------------------------------------------------------ signing


def test_it_refuses_to_sign_passive_thoughts_while_the_alert_is_open(cast: SimpleNamespace) -> None:
    alert = raise_alert(cast.client)
    http = signed_in(cast.therapist)
    response = _sign(http, cast.note, **_passive())
    assert response.status_code == 200
    body = response.content.decode()
    assert "The note cannot be signed yet." in body
    assert REFUSED in body
    cast.note.refresh_from_db()
    assert cast.note.status == SessionNote.Status.DRAFT
    assert cast.note.signed_at is None
    assert cast.note.signed_snapshot == ""
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.OPEN
    assert not AuditEvent.objects.filter(action="ipt.note.signed").exists()


def test_it_applies_the_rule_whatever_the_check_found_today(cast: SimpleNamespace) -> None:
    # "No thoughts" today does not close an alert, and a missed session is when it matters.
    raise_alert(cast.client)
    http = signed_in(cast.therapist)
    assert REFUSED in _sign(http, cast.note, suicidality="none").content.decode()
    no_show = _sign(http, cast.note, attendance=SessionAttendance.NO_SHOW)
    assert REFUSED in no_show.content.decode()
    cast.note.refresh_from_db()
    assert cast.note.status == SessionNote.Status.DRAFT


def test_it_signs_when_the_alert_is_left_open_with_a_reason(cast: SimpleNamespace) -> None:
    alert = raise_alert(cast.client)
    reason = "Client left before the end; duty clinician calling her tonight."
    response = _sign(signed_in(cast.therapist), cast.note, **_passive(open_alerts_reason=reason))
    assert response.status_code == 302
    cast.note.refresh_from_db()
    assert cast.note.status == SessionNote.Status.SIGNED
    assert cast.note.open_alerts_reason == reason
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.OPEN  # still escalating until acknowledged
    body = signed_in(cast.supervisor).get(url("ipt:note", cast.note)).content.decode()
    assert "Why the open safety alert stays open" in body
    assert reason in body
    saved = AuditEvent.objects.get(action="ipt.note.saved")
    assert "open_alerts_reason" in saved.fields
    assert "duty clinician" not in str(saved.fields)


def test_it_signs_without_a_reason_when_no_alert_is_open(cast: SimpleNamespace) -> None:
    other = make_client(cast.clinic, cast.therapist)
    raise_alert(other)  # another client's alert is not this note's business
    response = _sign(signed_in(cast.therapist), cast.note, **_passive())
    assert response.status_code == 302
    cast.note.refresh_from_db()
    assert cast.note.status == SessionNote.Status.SIGNED


# ------------------------------------------------------------------ the inline alert


def test_it_shows_the_open_alert_in_the_risk_section(cast: SimpleNamespace) -> None:
    alert = raise_alert(cast.client)
    body = signed_in(cast.therapist).get(url("ipt:note", cast.note)).content.decode()
    risk = body[body.index('id="risk-record"') :]
    assert f'id="risk-alert-{alert.public_id}"' in risk
    assert "More than half the days (2)" in risk
    assert "Acknowledge with this note's risk assessment" in risk
    assert f'value="acknowledge:{alert.public_id}"' in risk
    assert f'hx-post="{_ack_url(cast.note, alert)}"' in risk
    assert 'name="open_alerts_reason"' in risk
    assert body.index('id="risk-record"') < body.index("Problem-area work")


def test_it_shows_the_supervisor_the_alert_without_the_offer(cast: SimpleNamespace) -> None:
    raise_alert(cast.client)
    body = signed_in(cast.supervisor).get(url("ipt:note", cast.note)).content.decode()
    assert "Acknowledge with this note" not in body
    assert 'name="open_alerts_reason"' not in body


def test_it_saves_the_typed_note_before_opening_the_acknowledgement(cast: SimpleNamespace) -> None:
    """Without JavaScript the button submits the note: its text is saved, then the form opens."""
    alert = raise_alert(cast.client)
    http = signed_in(cast.therapist)
    data = note_form(cast.note, **_passive(), then=f"acknowledge:{alert.public_id}")
    response = csrf_post(http, url("ipt:note", cast.note), data)
    assert response.status_code == 302
    assert response.url == _ack_url(cast.note, alert)
    cast.note.refresh_from_db()
    assert cast.note.suicidality_detail == DETAIL
    page = http.get(response.url)
    assert page.status_code == 200
    ideation = page.context["form"]["ideation"].value()
    assert ideation == f"Passive thoughts (wishing to be dead).\n{DETAIL}"
    assert "Therapist Tester" in page.context["plan_form"]["professionals"].value()


def test_it_prefills_the_inline_form_from_the_typed_risk_section(cast: SimpleNamespace) -> None:
    """With htmx the typed (not yet saved) text comes along, and nothing is written."""
    alert = raise_alert(cast.client)
    http = signed_in(cast.therapist)
    data = note_form(cast.note, **_passive(), prefill="1")
    response = csrf_post(http, _ack_url(cast.note, alert), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body  # a fragment for the slot below the note
    assert 'id="note-ack-heading" tabindex="-1" autofocus' in body
    assert DETAIL in body
    assert f'hx-post="{_ack_url(cast.note, alert)}"' in body
    cast.note.refresh_from_db()
    assert (cast.note.suicidality_detail, cast.note.version) == ("", 1)


def test_it_acknowledges_from_the_note_with_a_safety_plan_and_then_signs(
    cast: SimpleNamespace,
) -> None:
    alert = raise_alert(cast.client)
    http = signed_in(cast.therapist)
    csrf_post(http, url("ipt:note", cast.note), note_form(cast.note, **_passive()))
    response = csrf_post(http, _ack_url(cast.note, alert), completed_assessment())
    assert response.status_code == 302
    assert response.url == reverse("ipt:note", args=[cast.note.public_id]) + "#risk-record"
    alert.refresh_from_db()
    plan = SafetyPlan.objects.get()
    assert alert.status == SafetyAlert.Status.ACKNOWLEDGED
    assert alert.acknowledged_in == cast.note.public_id
    assert alert.safety_plan == plan
    assert plan.made_in == cast.note.public_id
    assert plan.warning_signs == SAFETY_PLAN["warning_signs"]
    event = AuditEvent.objects.get(action="measures.alert.acknowledged")
    assert "acknowledged_in" in event.fields
    page = http.get(url("ipt:note", cast.note)).content.decode()
    assert "Risk assessment recorded from this note" in page
    assert "Acknowledged from this note by Therapist Tester" in page
    assert "Version 1, created on" in page
    assert _sign(http, cast.note).status_code == 302
    cast.note.refresh_from_db()
    assert cast.note.status == SessionNote.Status.SIGNED
    signed = http.get(url("ipt:note", cast.note)).content.decode()
    assert "Safety alerts acknowledged from this note" in signed
    assert "Safety plan versions made from this note" in signed


def test_it_answers_htmx_with_the_result_and_updates_the_note_in_place(
    cast: SimpleNamespace,
) -> None:
    alert = raise_alert(cast.client)
    response = csrf_post(
        signed_in(cast.therapist),
        _ack_url(cast.note, alert),
        completed_assessment(),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Risk assessment recorded from this note; the alert is acknowledged." in body
    assert f'id="risk-alert-{alert.public_id}" class="risk-done" hx-swap-oob="true"' in body
    assert 'class="note-plan" id="note-plan" hx-swap-oob="true"' in body
    assert 'id="risk-status" hx-swap-oob="innerHTML"' in body
    assert 'id="note-safety-banner" hx-swap-oob="true"' in body


def test_it_keeps_the_inline_form_with_its_errors(cast: SimpleNamespace) -> None:
    alert = raise_alert(cast.client)
    data = completed_assessment(intent="")
    response = csrf_post(
        signed_in(cast.therapist), _ack_url(cast.note, alert), data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="error-summary" role="alert" tabindex="-1" data-focus-on-load autofocus' in body
    assert "Intent: Please fill in this part of the assessment." in body
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.OPEN


def test_it_refuses_to_acknowledge_from_a_signed_note(cast: SimpleNamespace) -> None:
    alert = raise_alert(cast.client)
    SessionNote.objects.filter(pk=cast.note.pk).update(status=SessionNote.Status.SIGNED)
    response = csrf_post(
        signed_in(cast.therapist), _ack_url(cast.note, alert), completed_assessment()
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.OPEN


def test_it_finds_no_alert_of_another_client_from_the_note(cast: SimpleNamespace) -> None:
    other = raise_alert(make_client(cast.clinic, cast.therapist))
    http = signed_in(cast.therapist)
    assert http.get(_ack_url(cast.note, other)).status_code == 404
    assert signed_in(cast.supervisor).get(_ack_url(cast.note, other)).status_code == 403


def test_it_updates_the_safety_plan_from_the_note(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    data = note_form(cast.note, suicidality="none", then="safety_plan")
    response = csrf_post(http, url("ipt:note", cast.note), data)
    assert response.url == reverse("ipt:note_safety_plan", args=[cast.note.public_id])
    fields = {f"safety_plan-{name}": text for name, text in SAFETY_PLAN.items()}
    response = csrf_post(http, response.url, fields | {"safety_plan-based_on": "0"})
    assert response.status_code == 302
    plan = SafetyPlan.objects.get()
    assert (plan.made_in, plan.change) == (cast.note.public_id, "created")
    assert (
        "Safety plan saved as version 1." in http.get(url("ipt:note", cast.note)).content.decode()
    )


# ------------------------------------------------------------------ the next note


def test_the_next_note_starts_from_open_alerts_and_the_current_plan(cast: SimpleNamespace) -> None:
    raise_alert(cast.client)
    with time_machine.travel(timezone.now() - timedelta(days=9)):
        safety_plans.save_version(
            Person.of_client(cast.client), SAFETY_PLAN, by=cast.therapist, based_on=0
        )
    note = service.create_next_note(cast.episode, cast.therapist)
    lines = note.suicidality_detail.splitlines()
    assert lines[0].startswith("Open safety alert: PHQ-9 item 9 = 2")
    assert lines[1].startswith("Safety plan: version 1, created on")
    assert lines[2] == "The safety plan is more than 7 days old: review it with the client."
    assert SAFETY_PLAN["warning_signs"] not in note.suicidality_detail


def test_a_new_client_note_starts_empty(cast: SimpleNamespace) -> None:
    episode = make_episode(make_client(cast.clinic, cast.therapist))
    make_note(episode)
    assert service.create_next_note(episode, cast.therapist).suicidality_detail == ""


def test_a_medical_prompt_is_acknowledged_from_the_note_by_its_referral(
    cast: SimpleNamespace,
) -> None:
    """variants.md §5.4: the note offers the referral, never a suicide-risk assessment."""
    http = signed_in(cast.therapist)
    observed = {"observed_on": timezone.localdate().isoformat(), "source": "clinic", "pulse": "38"}
    csrf_post(http, reverse("measures:observation_new", args=[cast.client.public_id]), observed)
    alert = SafetyAlert.objects.get(client=cast.client, source=SafetyAlert.Source.MEDICAL)
    risk = http.get(url("ipt:note", cast.note)).content.decode().split('id="risk-record"', 1)[1]
    assert "Record the referral from this note" in risk
    assert "risk assessment" not in risk.split(f'id="risk-alert-{alert.public_id}"', 1)[1][:900]
    panel = csrf_post(
        http, _ack_url(cast.note, alert), {"prefill": "1"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Referral for medical assessment" in panel
    assert "Record the referral and acknowledge" in panel
    assert 'name="risk_level"' not in panel
    follow_up = (timezone.localdate() + timedelta(days=3)).isoformat()
    data = {"action_taken": "Referred to the GP for bloods and an ECG.", "follow_up_on": follow_up}
    done = csrf_post(http, _ack_url(cast.note, alert), data, HTTP_HX_REQUEST="true")
    assert "Referral recorded from this note; the alert is acknowledged." in done.content.decode()
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.ACKNOWLEDGED
