"""The coordinator marks a client's request to reschedule as handled."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.scheduling import requests
from rapport.scheduling.models import RescheduleRequest


@require_POST
@requires(Capability.EDIT_DEMOGRAPHICS)
def request_handled(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found = get_object_or_404(
        RescheduleRequest.objects.visible_to(request.user, Capability.EDIT_DEMOGRAPHICS)
        .select_related("appointment", "appointment__client")
        .defer("preferred_times"),
        public_id=public_id,
    )
    requests.mark_handled(found, by=request.user)
    audit.record(request, "scheduling.reschedule_request.handled", found, fields=["handled_at"])
    messages.success(request, _("Request marked as handled."))
    return redirect("scheduling:appointment", public_id=found.appointment.public_id)
