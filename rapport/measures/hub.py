"""Open safety alerts and the latest scores in the client record's header.

Clinical content: shown only to those who read the client's clinical record (never
intake or admins), in two queries however long the history.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest

from rapport.clients.hub import header_part
from rapport.core import audit
from rapport.core.access import Capability
from rapport.measures import charts, instruments
from rapport.measures.models import Response, SafetyAlert


def outcomes_viewed(request: HttpRequest, client: Any) -> None:
    """Audit a read of the client's scores once per request, however many parts show them."""
    seen = request.__dict__.setdefault("outcomes_audited", set())
    if client.pk not in seen:
        seen.add(client.pk)
        audit.record(request, "measures.outcomes.viewed", client)


def latest_scores(client: Any) -> list[Any]:
    """Each measure's latest score in force, in the catalogue's display order (one query)."""
    ranked = charts.in_force(Response.objects.filter(client=client)).annotate(
        newest=Window(
            RowNumber(),
            partition_by=[F("instrument")],
            order_by=[F("submitted_at").desc(), F("pk").desc()],
        )
    )
    latest = list(ranked.filter(newest=1))
    for response in latest:
        response.title = instruments.get(response.instrument).short_title
    return sorted(latest, key=lambda response: charts.display_order(response.instrument))


@header_part(order=30)
def measures_header(
    request: HttpRequest, client: Any, clinical: bool
) -> tuple[str, dict[str, Any]] | None:
    if not clinical:
        return None
    alerts = (
        SafetyAlert.objects.visible_to(request.user, Capability.VIEW_CLINICAL)
        .filter(client=client, status=SafetyAlert.Status.OPEN)
        .count()
    )
    scores = latest_scores(client)
    if scores:
        outcomes_viewed(request, client)
    return "measures/hub/header.html", {"client": client, "alerts": alerts, "scores": scores}
