"""Matrix rows for the initial phase: workspace, settings, formulation, goals, contract."""

from types import SimpleNamespace
from typing import Any

from tests.authz import CLINICAL_READ, CLINICAL_WRITE, POST_ONLY, Row, episode


def _task(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": cast.episode.public_id, "code": "diagnosis"}


def _goal(cast: SimpleNamespace) -> dict[str, Any]:
    from rapport.ipt.services import prefill_goals

    prefill_goals(cast.episode, "grief")
    goal = cast.episode.goals.first()
    return {"public_id": cast.episode.public_id, "goal_id": goal.public_id}


def _with_contract(cast: SimpleNamespace) -> dict[str, Any]:
    from datetime import date

    from rapport.ipt.services import create_contract

    cast.episode.primary_problem_area = "grief"
    cast.episode.save(update_fields=["primary_problem_area"])
    create_contract(
        cast.episode,
        by=cast.therapist,
        planned_sessions=12,
        start_on=date(2026, 9, 1),
        expected_end_on=date(2026, 11, 17),
    )
    return episode(cast)


EXPECTED = {
    "ipt:initial_phase": Row(CLINICAL_READ, episode),
    "ipt:initial_task": Row(POST_ONLY, _task),
    "ipt:episode_settings": Row(CLINICAL_WRITE, episode),
    "ipt:formulation": Row(CLINICAL_READ, episode),
    "ipt:formulation_save": Row(POST_ONLY, episode),
    "ipt:goal_add": Row(POST_ONLY, episode),
    "ipt:goal_save": Row(POST_ONLY, _goal),
    "ipt:goal_remove": Row(POST_ONLY, _goal),
    "ipt:dispute_stage_add": Row(POST_ONLY, episode),
    "ipt:contract": Row(CLINICAL_READ, _with_contract),
    "ipt:contract_create": Row(CLINICAL_WRITE, episode),
    "ipt:contract_renegotiate": Row(CLINICAL_WRITE, _with_contract),
    "ipt:contract_acknowledge": Row(POST_ONLY, episode),
}
