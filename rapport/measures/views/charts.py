"""Measures' sections on pages owned by lower apps: outcome charts and not-on-track advisories.

Both are registered through core's hooks (imported from rapport.measures.hooks),
so core and clients never import measures (DESIGN.md layering).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from rapport.core import audit
from rapport.core.access import Capability, can
from rapport.core.fields import without_encrypted
from rapport.core.hooks import client_panel, dashboard_panel
from rapport.measures import charts, instruments, outcomes
from rapport.measures.models import MeasuresSettings, OutcomeFlag, Response

NOT_ON_TRACK = outcomes.NOT_ON_TRACK
SHOWN_FLAGS = 20


def thresholds(clinic: Any) -> dict[str, Any]:
    """The clinic's threshold overrides (one query); empty means catalogue defaults."""
    found = MeasuresSettings.objects.filter(clinic=clinic).values_list("thresholds", flat=True)
    return next(iter(found), None) or {}


def caseness(overrides: dict[str, Any], code: str) -> int | None:
    """measures.md §3 caseness (PHQ-9 ≥10, GAD-7 ≥8), as the clinic configured it."""
    return outcomes.thresholds(instruments.get(code), overrides).caseness


def client_charts(client: Any, responses: list[Response]) -> list[charts.Chart]:
    overrides = thresholds(client.clinic_id)
    return [
        charts.build(code, series, caseness=caseness(overrides, code), chart_id=f"client-{code}")
        for code, series in charts.by_instrument(responses).items()
    ]


@client_panel(order=110)
def outcomes_panel(request: HttpRequest, client: Any) -> tuple[str, dict[str, Any]] | None:
    """Each measure over time on the client's clinical page (VIEW_CLINICAL only).

    Two queries whatever the number of responses: the responses, then the flags.
    """
    if not type(client).objects.permits(request.user, Capability.VIEW_CLINICAL, client):
        return None
    responses = list(Response.objects.filter(client=client).order_by("submitted_at", "pk"))
    flags = list(OutcomeFlag.objects.filter(client=client, kind=NOT_ON_TRACK, active=True))
    if responses or flags:
        audit.record(request, "measures.outcomes.viewed", client)
    return "measures/charts/client_panel.html", {
        "charts": client_charts(client, responses),
        "flags": [describe(flag) for flag in flags],
    }


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
