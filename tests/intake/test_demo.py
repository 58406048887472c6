"""The demo shows the front door and the calendar (issue 5 item 11)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from rapport.intake import services
from rapport.intake.models import ConsultationRequest, WaitlistEntry
from rapport.measures.models import SafetyAlert
from rapport.scheduling.models import Appointment, WeeklyHours


@pytest.mark.django_db
def test_it_loads_a_queue_a_waitlist_hours_and_a_series_with_changes() -> None:
    call_command("seed_demo", stdout=StringIO())
    assert ConsultationRequest.objects.filter(urgent=True).count() == 1
    assert WaitlistEntry.objects.filter(removed_at__isnull=True).count() == 1
    assert WeeklyHours.objects.values("therapist").distinct().count() == 4
    statuses = set(Appointment.objects.values_list("status", flat=True))
    assert {"attended", "no_show", "late_cancelled", "booked"} <= statuses


@pytest.mark.django_db
def test_it_gives_the_urgent_request_a_self_screen_with_an_open_alert_held_by_intake() -> None:
    call_command("seed_demo", stdout=StringIO())
    urgent = ConsultationRequest.objects.get(urgent=True)
    screen = services.self_screen(urgent)
    assert (screen.mode, screen.client, screen.answers["q9"]) == ("self_screen", None, 1)
    alert = SafetyAlert.objects.of_subject(urgent.public_id).get()
    assert (alert.status, alert.severity, alert.owner, alert.client) == (
        "open",
        "urgent",
        None,
        None,
    )
    told = {n.recipient.username for n in alert.notifications.filter(level=0)}
    assert told == {"intake"}
    # Every request's self-screen is a response; only the urgent one raised an alert.
    for request in ConsultationRequest.objects.all():
        assert services.self_screen(request) is not None
    assert SafetyAlert.objects.filter(client__isnull=True).count() == 1
