"""Helpers shared by the safety-alert tests: a PHQ-9 answered through the real service."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from rapport.clients.models import Client
from rapport.measures.models import Response, SafetyAlert
from rapport.measures.services import record_response

ASSESSMENT = {
    "ideation": "Passive thoughts most days this week, none today.",
    "plan": "No plan; no access to means at home.",
    "intent": "Denies intent; her children hold her back.",
    "behaviour": "No attempts or self-harm, lifetime.",
    "risk_factors": "Recent bereavement; lives alone.",
    "protective_factors": "Children, engaged in therapy, sister nearby.",
    "risk_level": "moderate",
    "action_taken": "Phoned the client the same hour; crisis line numbers reviewed.",
    "safety_plan_updated": "on",
}


def phq9_answers(item9: int, others: int = 0) -> dict[str, int]:
    return {f"q{n}": others for n in range(1, 9)} | {"q9": item9, "difficulty": 1}


def submit_phq9(client: Client, item9: int, *, others: int = 0, entered_by: Any = None) -> Response:
    """A PHQ-9 through services.record_response: remote, or in session when entered_by."""
    mode = Response.Mode.IN_SESSION if entered_by else Response.Mode.REMOTE
    return record_response(
        client=client,
        instrument_code="phq9",
        answers=phq9_answers(item9, others),
        mode=mode,
        entered_by=entered_by,
    )


def raise_alert(client: Client, item9: int = 2) -> SafetyAlert:
    return submit_phq9(client, item9).alerts.get()


def completed_assessment(**changes: Any) -> dict[str, Any]:
    follow_up = timezone.localdate() + timedelta(days=2)
    return ASSESSMENT | {"follow_up_on": follow_up.isoformat()} | changes
