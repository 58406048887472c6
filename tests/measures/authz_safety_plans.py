"""Rows of the safety-plan pages for the authorization matrix.

The object is cast.client's plan: its therapist reads and writes, the supervisor
reads, intake and admin are refused (403), colleague and outsider never see it (404).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests.authz import CLINICAL_READ, CLINICAL_WRITE, Row


def client(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": cast.client.public_id}


def plan(cast: SimpleNamespace) -> dict[str, Any]:
    from rapport.measures import safety_plans
    from tests.measures.alerts_helpers import SAFETY_PLAN

    person = safety_plans.Person.of_client(cast.client)
    latest = safety_plans.current(person)
    made = latest or safety_plans.save_version(
        person, SAFETY_PLAN, by=cast.client.assigned_therapist, based_on=0
    )
    return {"public_id": made.public_id}


EXPECTED = {
    "measures:safety_plan": Row(CLINICAL_READ, client),
    "measures:safety_plan_edit": Row(CLINICAL_WRITE, client),
    "measures:safety_plan_print": Row(CLINICAL_READ, plan),
}
