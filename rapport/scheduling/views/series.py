"""A booked course: its occurrences, their session numbers, and manual placement of
the occurrences that clashed when the series was booked."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.clients.models import Client
from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.core.inputs import SaneDateField
from rapport.scheduling import series as service
from rapport.scheduling.booking import SlotTaken
from rapport.scheduling.models import Series
from rapport.scheduling.timeutil import utc_to_local


class PlaceForm(forms.Form):
    day = SaneDateField(label=gettext_lazy("Date"), widget=forms.DateInput({"type": "date"}))
    at = forms.TimeField(
        label=gettext_lazy("Start time"), widget=forms.TimeInput({"type": "time"}, format="%H:%M")
    )


def get_series(request: HttpRequest, public_id: uuid.UUID, capability: Capability) -> Series:
    clients = Client.objects.visible_to(request.user, capability)
    queryset = Series.objects.filter(client__in=clients).select_related(
        "client", "client__clinic", "therapist"
    )
    return get_object_or_404(queryset, public_id=public_id)


@requires(Capability.VIEW_CLIENTS)
def series_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found = get_series(request, public_id, Capability.VIEW_CLIENTS)
    # Three queries however long the course: series, its appointments, unplaced indexes
    # (computed from the same list), plus the audit record.
    appointments = list(found.appointments.select_related("client").order_by("starts_at", "pk"))
    numbers = service.session_numbers(appointments)
    placed = {appointment.series_index for appointment in appointments}
    unplaced = [index for index in range(1, found.count + 1) if index not in placed]
    audit.record(request, "scheduling.series.viewed", found, clinic=found.client.clinic)
    rows = [(appointment, numbers.get(appointment.pk)) for appointment in appointments]
    context = {
        "series": found,
        "rows": rows,
        "unplaced": unplaced,
        "can_change": Client.objects.permits(
            request.user, Capability.EDIT_DEMOGRAPHICS, found.client
        ),
    }
    return render(request, "scheduling/series/detail.html", context)


@requires(Capability.EDIT_DEMOGRAPHICS)
def series_place(request: HttpRequest, public_id: uuid.UUID, index: int) -> HttpResponse:
    found = get_series(request, public_id, Capability.EDIT_DEMOGRAPHICS)
    if index not in service.unplaced(found):
        raise Http404
    local = utc_to_local(found.first_starts_at, found.time_zone)
    form = PlaceForm(request.POST or None, initial={"day": local.date(), "at": found.local_time})
    if request.method == "POST" and form.is_valid():
        try:
            placed = service.place(
                found,
                index,
                day=form.cleaned_data["day"],
                at=form.cleaned_data["at"],
                by=request.user,
            )
        except SlotTaken as error:
            form.add_error(None, str(error))
        else:
            audit.record(request, "scheduling.appointment.booked", placed, fields=["starts_at"])
            messages.success(request, _("Session %(n)s booked.") % {"n": index})
            return redirect("scheduling:series", public_id=found.public_id)
    context = {"series": found, "index": index, "form": form, "now": timezone.now()}
    return render(request, "scheduling/series/place.html", context)
