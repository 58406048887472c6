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
}
# Stanley & Brown's six steps and reasons for living, as a client might word them.
SAFETY_PLAN = {
    "warning_signs": "Staying in bed all day; thinking I am a burden to everyone.",
    "coping_strategies": "Walk the dog round the park; a hot shower and loud music.",
    "social_distractions": "The café on Main Street; choir practice on Thursdays.",
    "people_to_ask": "My sister Ana, 555-0101; my friend Jo, 555-0102.",
    "professionals": "My therapist at the clinic, 555-0100; Suicide & Crisis Lifeline: 988.",
    "means_safety": "My sister keeps my tablets and gives me a week at a time.",
    "reasons_for_living": "My children; finishing the garden this spring.",
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


def plan_fields(based_on: int = 0, *, reviewed: bool = False, **changes: str) -> dict[str, str]:
    """The safety plan form's fields as a page posts them (prefix ``safety_plan``)."""
    values = {f"safety_plan-{name}": text for name, text in (SAFETY_PLAN | changes).items()}
    values["safety_plan-based_on"] = str(based_on)
    if reviewed:
        values["safety_plan-reviewed"] = "on"
    return values


def completed_assessment(*, safety_plan: dict[str, str] | None = None, **changes: Any) -> dict:
    """A complete risk assessment with a new safety plan (or the given plan fields)."""
    follow_up = timezone.localdate() + timedelta(days=2)
    plan = plan_fields() if safety_plan is None else safety_plan
    return ASSESSMENT | {"follow_up_on": follow_up.isoformat()} | plan | changes
