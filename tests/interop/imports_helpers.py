"""Inputs the import tests share: CSV text and FHIR QuestionnaireResponses."""

from __future__ import annotations

import json
from typing import Any

from rapport.measures.instruments.common import DIFFICULTY, FREQUENCY

HEADER = ",".join(
    ["client_id", "date", "instrument", *[f"item_{n}" for n in range(1, 10)], "difficulty", "total"]
)
PHQ9_LINKS = [
    "44250-9",
    "44255-8",
    "44259-0",
    "44254-1",
    "44251-7",
    "44258-2",
    "44252-5",
    "44253-3",
    "44260-8",
]


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


def phq9_row(
    client: Any, day: str, items: list[int], *, difficulty: str = "1", total: str = ""
) -> str:
    cells = [str(client.public_id), day, "PHQ-9", *map(str, items), difficulty, total]
    return ",".join(cells)


def _coding(value: int, options: tuple = FREQUENCY) -> dict[str, Any]:
    option = options[value]
    return {"system": "http://loinc.org", "code": option.loinc, "display": str(option.label)}


def phq9_response(
    subject: dict[str, Any],
    items: list[int],
    *,
    authored: str = "2024-03-18T10:30:00Z",
    stated_total: int | None = None,
    difficulty: int | None = 1,
) -> dict[str, Any]:
    """A PHQ-9 QuestionnaireResponse shaped like the US Core example (LOINC linkIds)."""
    answers = [
        {"linkId": f"/{link}", "answer": [{"valueCoding": _coding(value)}]}
        for link, value in zip(PHQ9_LINKS, items, strict=True)
    ]
    if stated_total is not None:
        answers.append({"linkId": "/44261-6", "answer": [{"valueDecimal": stated_total}]})
    if difficulty is not None:
        answers.append(
            {"linkId": "/69722-7", "answer": [{"valueCoding": _coding(difficulty, DIFFICULTY)}]}
        )
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "http://hl7.org/fhir/us/core/Questionnaire/phq-9-example",
        "status": "completed",
        "subject": subject,
        "authored": authored,
        "item": answers,
    }


def bundle(*resources: dict[str, Any]) -> str:
    return json.dumps(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"resource": r} for r in resources],
        }
    )


def by_id(client: Any) -> dict[str, Any]:
    return {"reference": f"Patient/{client.public_id}"}


def verified(user: Any) -> Any:
    """``user`` as a request would carry it: past the second factor (the access layer asks)."""
    user.is_verified = lambda: True
    return user
