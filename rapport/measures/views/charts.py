"""Measures' sections on pages owned by lower apps: outcome charts and not-on-track advisories.

Both are registered through core's hooks (imported from rapport.measures.hooks),
so core and clients never import measures (DESIGN.md layering).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from rapport.clients.models import Client
from rapport.core import audit
from rapport.core.access import Capability, can, requires
from rapport.core.fields import without_encrypted
from rapport.core.hooks import client_panel, dashboard_panel
from rapport.measures import charts, instruments, outcomes
from rapport.measures.hub import outcomes_viewed
from rapport.measures.models import MeasuresSettings, OutcomeFlag, Response

NOT_ON_TRACK = outcomes.NOT_ON_TRACK
SHOWN_FLAGS = 20
HISTORY_PAGE = 50  # rows of the full-history data table per page


def thresholds(clinic: Any) -> dict[str, Any]:
    """The clinic's threshold overrides (one query); empty means catalogue defaults."""
    found = MeasuresSettings.objects.filter(clinic=clinic).values_list("thresholds", flat=True)
    return next(iter(found), None) or {}


def caseness(overrides: dict[str, Any], code: str) -> int | None:
    """measures.md §3 caseness (PHQ-9 ≥10, GAD-7 ≥8), as the clinic configured it."""
    return outcomes.thresholds(instruments.get(code), overrides).caseness


def client_charts(client: Any, series: list[charts.Series]) -> list[charts.Chart]:
    overrides = thresholds(client.clinic_id)
    # One episode's series (latest_episode): its phases, asked once (one query).
    phases = charts.phases_for(client, series[0].responses[0].context_id) if series else []
    built = []
    for item in series:
        chart = charts.build(
            item.code,
            item.responses,
            caseness=caseness(overrides, item.code),
            chart_id=f"client-{item.code}",
            count=item.count,
            phases=phases,
        )
        chart.history_url = reverse("measures:score_history", args=[client.public_id, item.code])
        built.append(chart)
    return built


def latest_episode(client: Any) -> Any:
    """The client's responses in the episode (``context_id``) of their latest response.

    measures knows no episodes, only their ids: the latest response's tells which
    episode is current, so the clinical page charts that one by default (one query).
    """
    responses = Response.objects.filter(client=client)
    latest = responses.order_by("-submitted_at", "-pk").values_list("context_id", flat=True)[:1]
    found = list(latest)
    if found and found[0] is None:
        return responses.filter(context_id__isnull=True)
    return responses.filter(context_id__in=found)


@client_panel(order=110)
def outcomes_panel(request: HttpRequest, client: Any) -> tuple[str, dict[str, Any]] | None:
    """Each measure over the current episode on the client's clinical page (VIEW_CLINICAL only).

    A fixed number of queries however long the history: the current episode, its
    windowed series (baseline + the latest 52 per measure), the flags, the thresholds.
    """
    if not type(client).objects.permits(request.user, Capability.VIEW_CLINICAL, client):
        return None
    series = charts.windowed(latest_episode(client))
    flags = list(OutcomeFlag.objects.filter(client=client, kind=NOT_ON_TRACK, active=True))
    if series or flags:
        outcomes_viewed(request, client)
    return "measures/charts/client_panel.html", {
        "charts": client_charts(client, series),
        "flags": [describe(flag) for flag in flags],
    }


def history_page(request: HttpRequest, chart: charts.Chart) -> dict[str, Any]:
    """A full-history chart's data table, newest first, one page at a time."""
    rows = list(reversed(chart.rows))
    return {"chart": chart, "page": Paginator(rows, HISTORY_PAGE).get_page(request.GET.get("page"))}


@requires(Capability.VIEW_CLINICAL)
def score_history(request: HttpRequest, public_id: uuid.UUID, code: str) -> HttpResponse:
    """Every score of one measure across all the client's episodes, its table paged."""
    client = get_object_or_404(
        Client.objects.visible_to(request.user, Capability.VIEW_CLINICAL), public_id=public_id
    )
    if code not in instruments.CATALOGUE:
        raise Http404
    scores = charts.history(Response.objects.filter(client=client), code)
    chart = charts.build(
        code, scores, caseness=caseness(thresholds(client.clinic_id), code), chart_id="history"
    )
    outcomes_viewed(request, client)
    context = {"client": client, **history_page(request, chart)}
    return render(request, "measures/charts/history.html", context)


def describe(flag: OutcomeFlag) -> dict[str, Any]:
    """A flag as the advisory shows it: instrument, reasons as text, the rule version.

    Everything the advisory prints is text (the day as an ISO date), so a session
    note can keep the same facts as a snapshot; ``flag`` itself links to the client.
    """
    try:
        title = str(instruments.get(flag.instrument).short_title)
    except KeyError:
        title = flag.instrument
    return {
        "flag": flag,
        "instrument": title,
        "reasons": [_reason_text(reason) for reason in flag.reasons],
        "rule_version": flag.rule_version,
        "raised_on": timezone.localdate(flag.created_at).isoformat(),
    }


def _reason_text(reason: Any) -> str:
    if isinstance(reason, dict):
        return str(reason.get("text") or reason.get("message") or reason.get("code", ""))
    return str(reason)


@dashboard_panel(order=20)
def not_on_track_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """Advisories for the clients the user may read clinically (measures.md §3.1).

    A supervisor sees their supervisees' cases too: the feedback trials primed
    supervision review with these alerts (Delgadillo 2018). One query, plus the
    audit record when something is shown.
    """
    if not can(request.user, Capability.VIEW_CLINICAL):
        return None
    flags = without_encrypted(
        OutcomeFlag.objects.visible_to(request.user, Capability.VIEW_CLINICAL), "client"
    )
    flags = list(
        flags.filter(kind=NOT_ON_TRACK, active=True).order_by("-created_at", "-pk")[:SHOWN_FLAGS]
    )
    if not flags:
        return None
    audit.record(request, "measures.flags.viewed", fields=["not_on_track"])
    return "measures/charts/dashboard_panel.html", {"flags": [describe(f) for f in flags]}
