"""A client's physical observations and their medical-risk prompts (variants.md §5.4–§5.5).

Clinical data, scoped like safety plans: the client's therapist reads and records,
the therapist's supervisors read, intake coordinators and clinic admins are refused
(403), anyone else finds nothing (404). Recording one past a §5.4 threshold raises
a medical-risk alert at once (rapport.measures.variant_safety). Reads and writes are
audited with field names only.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.clients.models import Client
from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.core.hooks import client_panel
from rapport.measures import variant_safety
from rapport.measures.forms_observations import ObservationForm
from rapport.measures.models import PhysicalObservation, SafetyAlert
from rapport.measures.views.safety_plans import get_client

SHOWN = 25  # observations a page, latest first


def _page(request: HttpRequest, client: Client, form: ObservationForm | None) -> HttpResponse:
    rows = PhysicalObservation.objects.visible_to(request.user).filter(client=client)
    page = Paginator(rows.select_related("entered_by"), SHOWN).get_page(request.GET.get("page"))
    observations = list(page.object_list)
    open_prompts = SafetyAlert.objects.visible_to(request.user).filter(
        client=client, source=SafetyAlert.Source.MEDICAL, status=SafetyAlert.Status.OPEN
    )
    context = {
        "client": client,
        "rows": [
            (o, variant_safety.bmi(o), found)
            for o, found in zip(
                observations, variant_safety.flags_of_page(client, observations), strict=True
            )
        ],
        "page": page,
        "form": form,
        "open_prompts": list(open_prompts.only("public_id", "severity", "created_at")),
        "thresholds": variant_safety.thresholds_for(client),
    }
    return render(request, "measures/observations/list.html", context)


@requires(Capability.VIEW_CLINICAL)
def observations(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    client = get_client(request, public_id, Capability.VIEW_CLINICAL)
    can_edit = Client.objects.permits(request.user, Capability.EDIT_CLINICAL, client)
    form = ObservationForm(today=timezone.localdate()) if can_edit else None
    audit.record(request, "measures.observation.listed", client)
    return _page(request, client, form)


@requires(Capability.EDIT_CLINICAL)
def observation_new(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    client = get_client(request, public_id, Capability.EDIT_CLINICAL)
    form = ObservationForm(request.POST or None, today=timezone.localdate())
    if request.method != "POST" or not form.is_valid():
        if request.method != "POST":
            audit.record(request, "measures.observation.listed", client)
        return _page(request, client, form)
    observation, alert = variant_safety.record(client, form.values(), by=request.user)
    changed = [name for name, value in form.values().items() if value not in (None, False)]
    audit.record(request, "measures.observation.recorded", observation, fields=changed)
    if alert is not None:
        messages.warning(
            request,
            _(
                "Medical-risk threshold reached: refer the client for medical assessment. "
                "An alert is open until you record the referral."
            ),
        )
        return redirect("measures:alert", public_id=alert.public_id)
    messages.success(request, _("Observation recorded."))
    return redirect("measures:observations", public_id=client.public_id)


@client_panel(order=13)
def observations_panel(request: HttpRequest, client: Any) -> tuple[str, dict[str, Any]] | None:
    """A link to the physical observations (no query: the client's capability is cached)."""
    if not Client.objects.permits(request.user, Capability.VIEW_CLINICAL, client):
        return None
    return "measures/observations/panel.html", {"client": client}
