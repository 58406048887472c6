"""The Appointments tab of a client's record: upcoming soonest first, past latest first.

Whoever may see the client sees the tab (``Client.objects.visible_to``): intake finds
the consultation it booked here. Each list is paged on its own, so the page costs
the same queries for a client with five appointments or five hundred.
"""

from __future__ import annotations

import uuid

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from rapport.clients.models import Client
from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.core.fields import without_encrypted
from rapport.scheduling.hub import to_come
from rapport.scheduling.models import Appointment

PAGE_SIZE = 20


@requires(Capability.VIEW_CLIENTS)
def client_appointments(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    client = get_object_or_404(
        without_encrypted(
            Client.objects.visible_to(request.user, Capability.VIEW_CLIENTS), "assigned_therapist"
        ),
        public_id=public_id,
    )
    appointments = without_encrypted(
        Appointment.objects.visible_to(request.user, Capability.VIEW_CLIENTS).filter(client=client),
        "therapist",
    )
    # Upcoming: still to come and still on. A cancelled future slot is history already.
    now = timezone.now()
    upcoming = appointments.filter(to_come(now)).order_by("starts_at", "pk")
    lapsed = Q(status=Appointment.Status.HELD, held_until__lte=now)  # a hold never confirmed
    past = appointments.exclude(to_come(now)).exclude(lapsed).order_by("-starts_at", "-pk")
    audit.record(request, "scheduling.appointment.listed", client)
    return render(
        request,
        "scheduling/appointments/client_list.html",
        {
            "client": client,
            "upcoming": Paginator(upcoming, PAGE_SIZE).get_page(request.GET.get("upcoming")),
            "page": Paginator(past, PAGE_SIZE).get_page(request.GET.get("page")),
            "zone_name": timezone.get_current_timezone_name(),
            "now": now,
        },
    )
