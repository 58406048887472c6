"""Safety rules of the ED and perinatal variants (variants.md §5.4, §7.2–§7.3).

* medical-risk prompts: a physical observation past a §5.4 threshold raises an alert
  of source ``medical`` that stays open until the referral is recorded;
* the EPDS item-10 workflow on every path an EPDS is answered: the e-mailed link,
  in-session entry and the portal (the public self-screen offers only the PHQ-9).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from rapport.core.models import AuditEvent
from rapport.core.outbox import send_due_emails
from rapport.measures import instruments, safety, variant_safety
from rapport.measures.instruments.base import Severity
from rapport.measures.models import (
    AlertNotification,
    Invitation,
    PhysicalObservation,
    Response,
    SafetyAlert,
)
from tests.factories import csrf_post, make_client, make_portal_account, portal_signed_in, signed_in
from tests.measures.admin_helpers import post_data, send_and_read_token

CRISIS = "This form is not monitored in real time."


def _observation(**values: object) -> PhysicalObservation:
    values.setdefault("observed_on", date(2026, 11, 1))
    values.setdefault("source", PhysicalObservation.Source.CLINIC)
    return PhysicalObservation(**values)


def _levels(observation: PhysicalObservation, earlier: list | None = None, adult: bool = True):
    found = variant_safety.flags(observation, earlier or [], adult=adult)
    return {flag.code: flag.level for flag in found}


# -- §5.4 thresholds --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # BMI = weight / height²: 41 kg at 170 cm is 14.2 (< 15 amber); 37 kg is 12.8 (< 13 red).
        ({"weight_kg": Decimal("41"), "height_cm": Decimal("170")}, {"bmi_below": "amber"}),
        ({"weight_kg": Decimal("37"), "height_cm": Decimal("170")}, {"bmi_below": "red"}),
        ({"weight_kg": Decimal("55"), "height_cm": Decimal("170")}, {}),
        ({"potassium": Decimal("3.4")}, {"potassium_below": "amber"}),
        ({"potassium": Decimal("2.9")}, {"potassium_below": "red"}),
        ({"potassium": Decimal("3.5")}, {}),
        ({"pulse": 48}, {"pulse_below": "amber"}),
        ({"pulse": 38}, {"pulse_below": "red"}),
        ({"systolic_bp": 85}, {"systolic_below": "amber"}),
        ({"temperature_c": Decimal("35.2")}, {"temperature_below": "amber"}),
        ({"syncope": True}, {"syncope": "red"}),
        ({"chest_pain": True}, {"chest_pain": "red"}),
        ({"blood_in_vomit": True}, {"blood_in_vomit": "red"}),
        ({"vomiting_and_laxatives": True}, {"vomiting_and_laxatives": "amber"}),
        ({"low_fluid_intake": True}, {"low_fluid_intake": "amber"}),
    ],
)
def test_it_flags_the_medical_risk_thresholds_of_5_4(values: dict, expected: dict) -> None:
    assert _levels(_observation(**values)) == expected


def test_it_judges_weight_loss_a_week_red_only_for_two_consecutive_weeks() -> None:
    def weighed(day: int, kg: str) -> PhysicalObservation:
        return _observation(observed_on=date(2026, 11, day), weight_kg=Decimal(kg))

    # 0.6 kg in a week: amber.
    assert _levels(weighed(8, "59.4"), [weighed(1, "60")]) == {"weekly_loss_from": "amber"}
    # 1.2 kg in one week after a stable one: amber; after another 1 kg week: red.
    assert _levels(weighed(15, "58.8"), [weighed(8, "60"), weighed(1, "60")]) == {
        "weekly_loss_from": "amber"
    }
    assert _levels(weighed(15, "58"), [weighed(8, "59"), weighed(1, "60")]) == {
        "weekly_loss_from": "red"
    }
    assert _levels(weighed(8, "59.8"), [weighed(1, "60")]) == {}


def test_it_does_not_judge_an_under_18s_bmi_by_adult_thresholds() -> None:
    thin = _observation(weight_kg=Decimal("37"), height_cm=Decimal("170"))
    assert _levels(thin, adult=False) == {}


def test_a_clinic_may_change_a_threshold(cast: SimpleNamespace) -> None:
    settings = safety.clinic_settings(cast.clinic)
    settings.thresholds = {"medical_risk": {"pulse_below": [55, 45]}}
    settings.save()
    limits = variant_safety.thresholds_for(cast.client)
    assert limits["pulse_below"] == (55, 45)
    assert variant_safety.flags(_observation(pulse=52), [], adult=True, limits=limits)


# -- the prompt on the page, and its acknowledgement -------------------------------------------


def _record(cast: SimpleNamespace, **fields: object) -> object:
    data = {"observed_on": timezone.localdate().isoformat(), "source": "clinic"} | fields
    url = reverse("measures:observation_new", args=[cast.client.public_id])
    return csrf_post(signed_in(cast.therapist), url, data)


def test_a_red_flag_opens_a_critical_medical_alert_for_the_therapist(cast: SimpleNamespace) -> None:
    page = _record(cast, pulse="38", weight_kg="50", height_cm="165")
    alert = SafetyAlert.objects.get(client=cast.client)
    assert page.status_code == 302
    assert page.url == reverse("measures:alert", args=[alert.public_id])
    assert (alert.source, alert.severity, alert.status) == ("medical", Severity.CRITICAL, "open")
    assert alert.owner == cast.therapist
    assert alert.escalate_at is not None  # escalates like every alert until acknowledged
    assert AlertNotification.objects.filter(alert=alert, recipient=cast.therapist).count() == 2
    send_due_emails("test-worker")
    body = next(m.body for m in mail.outbox if m.to == [cast.therapist.email])
    assert "medical assessment" in body
    assert cast.client.family_name not in body  # no PHI in the e-mail
    observation = PhysicalObservation.objects.get(client=cast.client)
    assert alert.source_id == observation.public_id
    assert AuditEvent.objects.filter(action="measures.observation.recorded").exists()


def test_the_prompt_shows_on_the_dashboard_and_the_alert_until_acknowledged(
    cast: SimpleNamespace,
) -> None:
    _record(cast, blood_in_vomit="on")
    alert = SafetyAlert.objects.get(client=cast.client)
    http = signed_in(cast.therapist)
    dashboard = http.get(reverse("core:dashboard")).content.decode()
    assert "refer for medical assessment" in dashboard
    detail = http.get(reverse("measures:alert", args=[alert.public_id])).content.decode()
    assert "blood in vomit (haematemesis) (red)" in detail
    assert "Record the referral" in detail
    form = http.get(reverse("measures:alert_acknowledge", args=[alert.public_id])).content.decode()
    assert "Referral for medical assessment" in form
    assert "Suicidal ideation" not in form  # not a suicide-risk assessment
    url = reverse("measures:alert_acknowledge", args=[alert.public_id])
    empty = csrf_post(http, url, {"action_taken": "", "follow_up_on": ""})
    assert "Say what referral was made." in empty.content.decode()
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.OPEN
    done = csrf_post(
        http,
        url,
        {"action_taken": "GP today for bloods and ECG.", "follow_up_on": timezone.localdate()},
    )
    assert done.status_code == 302
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.ACKNOWLEDGED
    assert alert.acknowledged_by == cast.therapist
    assert alert.action_taken == "GP today for bloods and ECG."
    event = AuditEvent.objects.get(action="measures.alert.acknowledged")
    assert event.fields == ["action_taken", "follow_up_on"]
    assert (
        "refer for medical assessment" not in http.get(reverse("core:dashboard")).content.decode()
    )


def test_values_within_the_thresholds_raise_nothing(cast: SimpleNamespace) -> None:
    page = _record(cast, pulse="64", systolic_bp="112", potassium="4.1")
    assert page.status_code == 302
    assert PhysicalObservation.objects.filter(client=cast.client).count() == 1
    assert not SafetyAlert.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"pulse": "640"}, "Enter a value between 15 and 250."),
        ({}, "Enter at least one value or red flag."),
        ({"pulse": "60", "source": ""}, "Say where the values come from."),
        (
            {"pulse": "60", "observed_on": (timezone.localdate() + timedelta(days=3)).isoformat()},
            "The date observed cannot be in the future.",
        ),
    ],
)
def test_bad_input_gets_a_message_and_changes_nothing(
    cast: SimpleNamespace, fields: dict, message: str
) -> None:
    page = _record(cast, **fields)
    assert page.status_code == 200
    assert message in page.content.decode()
    assert not PhysicalObservation.objects.exists()
    assert not SafetyAlert.objects.exists()


def test_a_medical_prompt_is_never_closed_by_a_suicide_assessment(cast: SimpleNamespace) -> None:
    _record(cast, syncope="on")
    alert = SafetyAlert.objects.get(client=cast.client)
    with pytest.raises(ValueError, match="medical-risk prompt"):
        safety.acknowledge_referral(
            SafetyAlert(source=SafetyAlert.Source.QUESTIONNAIRE),
            {"action_taken": "x", "follow_up_on": timezone.localdate()},
            by=cast.therapist,
        )
    assert alert.status == SafetyAlert.Status.OPEN


def test_the_observations_page_lists_flags_in_a_fixed_number_of_queries(
    cast: SimpleNamespace,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    http = signed_in(cast.therapist)
    url = reverse("measures:observations", args=[cast.client.public_id])
    start = date(2026, 1, 5)

    def weigh(weeks: range) -> None:
        for week in weeks:
            PhysicalObservation.objects.create(
                client=cast.client,
                observed_on=start + timedelta(weeks=week),
                source="clinic",
                weight_kg=Decimal(60) - week,
                entered_by=cast.therapist,
                created_at=timezone.now(),
            )

    def cost() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            page = http.get(url)
        assert page.status_code == 200
        return len(queries), page.content.decode()

    weigh(range(3))
    cost()  # the first page of a session also counts what the navigation shows
    few, _html = cost()
    weigh(range(3, 30))
    many, html = cost()
    assert many == few  # paged at 25; the flags of a page come from one weighed-rows query
    assert "weight loss 1.0 kg a week (red)" in html
    assert "Page 1 of 2" in html


# -- EPDS item 10 on every path (§7.2–§7.3) ----------------------------------------------------


def _epds(item10_position: int) -> dict[str, int]:
    """Position 3 ("never") on every reverse-scored item scores 0; item 10 as given."""
    epds = instruments.get("epds")
    answers = {item.key: 3 if item.reverse else 0 for item in epds.items}
    return answers | {"q10": item10_position}


def _epds_link(cast: SimpleNamespace) -> Invitation:
    from rapport.measures import invitations

    invitations.create_invitation(
        cast.client,
        due=[instruments.get("epds")],
        send_at=timezone.now(),
        context_id=cast.episode.public_id,
        session_number=2,
        created_by=cast.therapist,
    )
    return Invitation.objects.get(client=cast.client)


@pytest.mark.parametrize(("position", "severity"), [(2, Severity.URGENT), (0, Severity.CRITICAL)])
def test_epds_item_10_by_link_shows_crisis_resources_and_alerts(
    cast: SimpleNamespace, position: int, severity: str
) -> None:
    _epds_link(cast)
    token = send_and_read_token()
    from tests.measures.safety_paths import csrf_client, post

    page = post(
        csrf_client(),
        reverse("questionnaires:form", args=[token]),
        post_data({"epds": _epds(position)}),
    )
    assert page.status_code == 200
    assert CRISIS in page.content.decode()
    alert = SafetyAlert.objects.get(client=cast.client)
    assert (alert.instrument, alert.item, alert.severity) == ("epds", "q10", severity)
    assert alert.response.mode == Response.Mode.REMOTE


def test_epds_item_10_never_scored_positive_raises_nothing(cast: SimpleNamespace) -> None:
    _epds_link(cast)
    token = send_and_read_token()
    from tests.measures.safety_paths import csrf_client, post

    page = post(
        csrf_client(), reverse("questionnaires:form", args=[token]), post_data({"epds": _epds(3)})
    )
    assert CRISIS not in page.content.decode()
    assert not SafetyAlert.objects.exists()


def test_epds_item_10_in_session_alerts_and_shows_crisis_resources(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    url = reverse("ipt:measures_enter", args=[cast.episode.public_id, "epds"])
    page = csrf_post(http, url, post_data({"epds": _epds(1)}) | {"session_number": 1})
    assert page.status_code == 200
    assert CRISIS in page.content.decode()
    alert = SafetyAlert.objects.get(client=cast.client)
    assert (alert.instrument, alert.item, alert.value) == ("epds", "q10", 2)
    assert alert.response.mode == Response.Mode.IN_SESSION


def test_epds_item_10_in_the_portal_shows_crisis_resources_and_alerts(
    cast: SimpleNamespace,
) -> None:
    cast.clinic.crisis_resources = [{"label": "Riverside crisis line", "contact": "555-0100"}]
    cast.clinic.save()
    invitation = _epds_link(cast)
    send_and_read_token()
    http = portal_signed_in(make_portal_account(cast.client))
    url = reverse("portal:questionnaire", args=[invitation.public_id])
    sent = csrf_post(http, url, post_data({"epds": _epds(0)}))
    page = http.get(sent.url).content.decode()
    assert CRISIS in page
    assert "555-0100" in page
    alert = SafetyAlert.objects.get(client=cast.client)
    assert (alert.item, alert.status, alert.owner) == ("q10", "open", cast.therapist)
    assert alert.response.mode == Response.Mode.PORTAL


def test_an_epds_link_is_never_sent_for_a_client_without_an_active_therapist(
    cast: SimpleNamespace,
) -> None:
    from rapport.measures import invitations

    orphan = make_client(cast.clinic, None)
    with pytest.raises(invitations.InvitationRefused):
        invitations.create_invitation(
            orphan, due=[instruments.get("epds")], send_at=timezone.now(), created_by=cast.therapist
        )
