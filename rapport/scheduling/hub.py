"""The next appointment in the client record's header (one query, any history)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from rapport.clients.hub import header_part
from rapport.core.access import Capability
from rapport.core.fields import without_encrypted
from rapport.scheduling.models import Appointment


def to_come(now: Any) -> Q:
    """Booked and not over, or held for confirmation while the hold lasts."""
    booked = Q(status=Appointment.Status.BOOKED)
    held = Q(status=Appointment.Status.HELD, held_until__gt=now)
    return (booked | held) & Q(ends_at__gt=now)


def upcoming(user: Any, client: Any) -> Any:
    """The client's appointments still to come that ``user`` may see, soonest first."""
    return (
        Appointment.objects.visible_to(user, Capability.VIEW_CLIENTS)
        .filter(to_come(timezone.now()), client=client)
        .order_by("starts_at", "pk")
    )


@header_part(order=20)
def next_appointment(
    request: HttpRequest, client: Any, clinical: bool
) -> tuple[str, dict[str, Any]]:
    found = without_encrypted(upcoming(request.user, client), "therapist").first()
    return "scheduling/appointments/_header_next.html", {
        "appointment": found,
        "zone_name": timezone.get_current_timezone_name(),
    }
