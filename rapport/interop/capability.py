"""The CapabilityStatement (``/fhir/metadata``): what the API serves and which profiles it meets."""

from __future__ import annotations

from typing import Any

from rapport.interop.fhir_search import allowed
from rapport.interop.resources import PROFILES, REGISTRY

# When this statement last changed (it describes the code, not the data).
PUBLISHED = "2026-12-01"

PARAM_TYPES = {
    "_id": "token",
    "patient": "reference",
    "date": "date",
    "code": "token",
    "_lastUpdated": "date",
    "_count": "number",
}
PARAM_DOCS = {
    "_offset": "Paging: the number of matches to skip (the paging links set it).",
    "_count": "Matches per page: 20 unless asked, at most 100.",
}


def _params(name: str) -> list[dict[str, Any]]:
    out = []
    for param in sorted(allowed(REGISTRY[name]) - {"_format"}):
        entry = {"name": param, "type": PARAM_TYPES.get(param, "number")}
        if param in PARAM_DOCS:
            entry["documentation"] = PARAM_DOCS[param]
        out.append(entry)
    return out


def statement(base_url: str) -> dict[str, Any]:
    resources = []
    for name in REGISTRY:
        entry: dict[str, Any] = {
            "type": name,
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": _params(name),
        }
        if name in PROFILES:
            entry["supportedProfile"] = [PROFILES[name]]
        resources.append(entry)
    return {
        "resourceType": "CapabilityStatement",
        "id": "rapport",
        "url": f"{base_url}/metadata",
        "name": "RapportFhirReadApi",
        "title": "Rapport FHIR R4 read API",
        "status": "active",
        "date": PUBLISHED,
        "publisher": "Rapport",
        "description": (
            "Read-only access to one clinic's records with a clinic API key. Process "
            "notes and session-note text are never served. Profiles: US Core 6.1 where "
            "listed as supportedProfile (QuestionnaireResponse, Observation screening "
            "assessment, Practitioner, Encounter, Condition, CarePlan, Goal); Patient, "
            "EpisodeOfCare, Appointment and Questionnaire are base FHIR R4."
        ),
        "kind": "instance",
        "software": {"name": "Rapport"},
        "implementation": {"description": "Rapport FHIR API", "url": base_url},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "cors": False,
                    "description": (
                        "Send the clinic's API key as 'Authorization: Bearer <key>'. A key "
                        "reads its clinic, or one practitioner's caseload; keys expire and "
                        "can be revoked by a clinic admin. Every call is audited."
                    ),
                },
                "resource": resources,
            }
        ],
    }
