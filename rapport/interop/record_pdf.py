"""The readable half of the full record: the Bundle's resources as a PDF, section by type."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rapport.clients.models import Client
from rapport.reports import pdf

# Sections in reading order: (resource type, heading).
SECTIONS = (
    ("EpisodeOfCare", "Courses of treatment"),
    ("Condition", "Diagnoses"),
    ("Appointment", "Appointments"),
    ("Encounter", "Sessions held"),
    ("QuestionnaireResponse", "Questionnaires answered"),
    ("Observation", "Scores and answers"),
    ("Goal", "Goals"),
    ("CarePlan", "Care plans"),
    ("DocumentReference", "Session notes and contact records"),
)
SKIPPED = {"Patient", "Practitioner", "Questionnaire", "Bundle"}
DATE_KEYS = (
    ("period", "start"),
    ("effectiveDateTime",),
    ("authored",),
    ("start",),
    ("onsetDateTime",),
    ("recordedDate",),
    ("startDate",),
    ("created",),
    ("context", "period", "start"),
)


@dataclass
class Line:
    when: str
    what: str
    detail: str
    text: str = ""  # a document's full text (session notes)


def render_pdf(client: Client, bundle: dict[str, Any], made_at: datetime) -> bytes:
    resources = [entry["resource"] for entry in bundle["entry"]]
    context = {
        "client": client,
        "made_at": made_at,
        "sections": sections(resources),
        "count": len(resources),
    }
    return pdf.render("interop/record.html", context)


def sections(resources: list[dict[str, Any]]) -> list[tuple[str, list[Line]]]:
    by_type: dict[str, list[Line]] = {}
    for resource in resources:
        by_type.setdefault(resource["resourceType"], []).append(line(resource))
    ordered = [(heading, by_type.pop(kind, [])) for kind, heading in SECTIONS]
    ordered += [(kind, lines) for kind, lines in by_type.items() if kind not in SKIPPED]
    for _heading, lines in ordered:
        lines.sort(key=lambda item: item.when)
    return ordered


def line(resource: dict[str, Any]) -> Line:
    return Line(
        when=_date(resource)[:10],
        what=_label(resource),
        detail=_detail(resource),
        text=_attached_text(resource),
    )


def _date(resource: dict[str, Any]) -> str:
    for path in DATE_KEYS:
        value: Any = resource
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, str):
            return value
    return ""


def _concept(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(filter(None, (_concept(item) for item in value)))
    if not isinstance(value, dict):
        return ""
    if value.get("text"):
        return str(value["text"])
    codings = value.get("coding") or []
    return ", ".join(str(c.get("display") or c.get("code") or "") for c in codings)


def _label(resource: dict[str, Any]) -> str:
    if resource["resourceType"] == "Goal" and isinstance(resource.get("description"), dict):
        return _concept(resource["description"])  # the goal's own words
    for key in ("code", "type", "category", "serviceType"):
        if resource.get(key):
            label = _concept(resource[key])
            if label:
                return label
    for key in ("description", "title", "name"):
        if isinstance(resource.get(key), str):
            return resource[key]
    return resource["resourceType"]


def _detail(resource: dict[str, Any]) -> str:
    parts = []
    quantity = resource.get("valueQuantity")
    if isinstance(quantity, dict) and "value" in quantity:
        parts.append(f"{quantity['value']} {quantity.get('unit', '')}".strip())
    for key in ("valueInteger", "valueString"):
        if key in resource:
            parts.append(str(resource[key]))
    if resource.get("valueCodeableConcept"):
        parts.append(_concept(resource["valueCodeableConcept"]))
    for interpretation in resource.get("interpretation") or []:
        parts.append(_concept(interpretation))
    status = resource.get("status") or resource.get("lifecycleStatus")
    if status:
        parts.append(str(status))
    return "; ".join(filter(None, parts))


def _attached_text(resource: dict[str, Any]) -> str:
    texts = []
    for content in resource.get("content") or []:
        attachment = content.get("attachment") or {}
        if str(attachment.get("contentType", "")).startswith("text/plain") and attachment.get(
            "data"
        ):
            texts.append(base64.b64decode(attachment["data"]).decode())
    return "\n\n".join(texts)
