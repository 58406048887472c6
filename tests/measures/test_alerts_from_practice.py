"""A safety alert raised by practice or a message follows the one workflow (safety.md §5.1):
owner notified in the app and by e-mail, escalation until acknowledged, acknowledgement
with a risk assessment, banners until then."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from rapport.ipt import practice
from rapport.ipt.models import PracticeKind
from rapport.measures.escalation import escalate_due_alerts
from rapport.measures.models import AlertNotification, SafetyAlert
from tests.factories import csrf_post, signed_in
from tests.measures.alerts_helpers import completed_assessment


def _mood_alert(cast, mood: int = 1) -> SafetyAlert:
    assignment = practice.assign(cast.note, PracticeKind.MOOD, "", by=cast.therapist)
    return practice.record_entry(assignment, mood=mood, answers={}).alerts[0]


def test_the_owner_is_told_in_the_app_and_by_email(cast) -> None:
    alert = _mood_alert(cast)
    channels = set(AlertNotification.objects.filter(alert=alert).values_list("channel", flat=True))
    assert channels == {"in_app", "email"}
    assert alert.severity == "urgent"


def test_it_escalates_until_acknowledged(cast) -> None:
    alert = _mood_alert(cast)
    with time_machine.travel(alert.escalate_at + timedelta(minutes=1)):
        assert escalate_due_alerts("worker-1") == 1
    alert.refresh_from_db()
    assert alert.escalation_level == 1
    assert AlertNotification.objects.filter(alert=alert, level=1).exists()


def test_the_dashboard_banner_names_the_practice_source(cast) -> None:
    _mood_alert(cast)
    page = signed_in(cast.therapist).get(reverse("core:dashboard")).content.decode()
    assert "a mood rating of 1 in between-session practice" in page


def test_the_therapist_acknowledges_it_with_a_risk_assessment(cast) -> None:
    alert = _mood_alert(cast, mood=0)
    http = signed_in(cast.therapist)
    url = reverse("measures:alert_acknowledge", args=[alert.public_id])
    page = http.get(url).content.decode()
    assert "Daily mood rating (0 = worst, 10 = best)" in page
    answer = csrf_post(http, url, completed_assessment())
    assert answer.status_code == 302
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.ACKNOWLEDGED
    assert alert.acknowledged_by == cast.therapist
    assert alert.acknowledged_at <= timezone.now()


def test_a_later_good_mood_never_closes_it(cast) -> None:
    alert = _mood_alert(cast)
    assignment = alert  # the same practice carries on
    practice.record_entry(
        practice.assign(cast.note, PracticeKind.MOOD, "", by=cast.therapist), mood=9, answers={}
    )
    assignment.refresh_from_db()
    assert assignment.status == SafetyAlert.Status.OPEN
