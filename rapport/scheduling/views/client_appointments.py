"""One client's appointments, latest first, a page at a time.

Whoever may see the client sees the list (``Client.objects.visible_to``); the
page costs the same queries for a client with five appointments or five hundred:
the client, a count and one page of rows with their therapists.
"""

from __future__ import annotations

import uuid

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from rapport.clients.models import Client
from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.core.fields import without_encrypted
from rapport.scheduling.models import Appointment

PAGE_SIZE = 20


@requires(Capability.VIEW_CLIENTS)
def client_appointments(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    client = get_object_or_404(
        without_encrypted(Client.objects.visible_to(request.user, Capability.VIEW_CLIENTS)),
        public_id=public_id,
    )
    appointments = (
        Appointment.objects.visible_to(request.user, Capability.VIEW_CLIENTS)
        .filter(client=client)
        .select_related("therapist")
        .order_by("-starts_at", "-pk")
    )
    page = Paginator(appointments, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(request, "scheduling.appointment.listed", client)
    return render(
        request, "scheduling/appointments/client_list.html", {"client": client, "page": page}
    )
