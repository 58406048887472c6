"""The risk record on a session note page: what it shows, and where its buttons lead.

Kept apart from the views (views/note_risk.py) so the note page (views/notes.py)
can use it without importing them.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from rapport.ipt.models import SessionNote
from rapport.measures import safety_plans
from rapport.measures.models import SafetyAlert, SafetyPlan
from rapport.measures.views.alerts import trigger_text


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def note_url(note: SessionNote, anchor: str = "risk-record") -> str:
    return f"{reverse('ipt:note', args=[note.public_id])}#{anchor}"


def risk_context(request: HttpRequest, note: SessionNote, *, editable: bool) -> dict[str, Any]:
    """What the note page shows of the risk record: four queries, however many alerts."""
    client = note.episode.client
    alerts = SafetyAlert.objects.visible_to(request.user).filter(client=client)
    open_now = list(alerts.filter(status=SafetyAlert.Status.OPEN).select_related("client"))
    acknowledged = list(
        alerts.filter(acknowledged_in=note.public_id).select_related("acknowledged_by")
    )
    plans = SafetyPlan.objects.visible_to(request.user).filter(client=client)
    plan = plans.select_related("created_by").order_by("-version").first()
    made_here = list(plans.filter(made_in=note.public_id).order_by("version")) if plan else []
    return {
        "safety_alerts": open_now,
        "risk": {
            "alerts": [{"alert": alert, "trigger": trigger_text(alert)} for alert in open_now],
            "acknowledged": acknowledged,
            "plan": plan,
            "plans_made_here": made_here,
            "plan_recent": safety_plans.is_recent(plan),
            "can_acknowledge": editable,
            "show_reason": bool(open_now or note.open_alerts_reason),
        },
    }


def next_step(note: SessionNote, then: str) -> HttpResponse | None:
    """After the draft was saved (no JavaScript): open what the pressed button asked for."""
    if then == "safety_plan":
        return redirect("ipt:note_safety_plan", public_id=note.public_id)
    kind, _sep, alert_id = then.partition(":")
    if kind != "acknowledge":
        return None
    try:
        alert = uuid.UUID(alert_id)
    except ValueError:
        return None
    return redirect("ipt:note_alert_acknowledge", public_id=note.public_id, alert_id=alert)
