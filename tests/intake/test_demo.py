"""The demo shows the front door and the calendar (issue 5 item 11)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from rapport.intake.models import ConsultationRequest, WaitlistEntry
from rapport.scheduling.models import Appointment, WeeklyHours


@pytest.mark.django_db
def test_it_loads_a_queue_a_waitlist_hours_and_a_series_with_changes() -> None:
    call_command("seed_demo", stdout=StringIO())
    assert ConsultationRequest.objects.filter(urgent=True).count() == 1
    assert WaitlistEntry.objects.filter(removed_at__isnull=True).count() == 1
    assert WeeklyHours.objects.values("therapist").distinct().count() == 4
    statuses = set(Appointment.objects.values_list("status", flat=True))
    assert {"attended", "no_show", "late_cancelled", "booked"} <= statuses
