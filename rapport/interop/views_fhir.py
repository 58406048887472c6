"""The FHIR R4 read API (docs/fhir.md): the CapabilityStatement, read and search.

An API key acts for its clinic and scope (rapport.interop.scope): another clinic's
ids and unknown ids answer 404; a row of the key's clinic outside a caseload key's
scope answers 403. Every answer is audited, and JSON is ``application/fhir+json``.
"""

from __future__ import annotations

import operator
import uuid
from functools import reduce
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from rapport.clients.models import Client
from rapport.core import audit
from rapport.interop import capability
from rapport.interop.fhir_http import FhirError, api_key_required, fhir_json
from rapport.interop.fhir_search import Search, parse, wanted_questionnaire
from rapport.interop.models import ApiKey
from rapport.interop.resources import REGISTRY, ResourceType, questionnaire_id
from rapport.measures import instruments


@require_safe
def metadata(request: HttpRequest) -> HttpResponse:
    """The CapabilityStatement: public, as FHIR expects, so a client can discover the API."""
    base = request.build_absolute_uri("/fhir")
    return fhir_json(capability.statement(base))


def _type(name: str) -> ResourceType:
    resource_type = REGISTRY.get(name)
    if resource_type is None:
        raise FhirError(404, "not-supported", f"Unknown resource type: {name}")
    return resource_type


def _practitioner(key: ApiKey) -> Any:
    return key.practitioner if key.scope == "caseload" else None


@api_key_required
def read(request: HttpRequest, key: ApiKey, resource_type: str, resource_id: str) -> HttpResponse:
    kind = _type(resource_type)
    if kind.name == "Questionnaire":
        instrument = _instrument(resource_id)
        audit.record(
            request,
            "interop.fhir.read",
            clinic=key.clinic,
            object_type="fhir.questionnaire",
            object_id=instrument.code,
            fields=_fields(key, kind),
        )
        return fhir_json(kind.build(instrument))
    row = _row(kind, key, resource_id)
    audit.record(request, "interop.fhir.read", row, clinic=key.clinic, fields=_fields(key, kind))
    return fhir_json(kind.build(row))


def _instrument(resource_id: str) -> Any:
    for instrument in instruments.CATALOGUE.values():
        if questionnaire_id(instrument.code) == resource_id:
            return instrument
    raise FhirError(404, "not-found", "No such Questionnaire.")


def _row(kind: ResourceType, key: ApiKey, resource_id: str) -> Any:
    """The row in the key's clinic (else 404), and within the key's scope (else 403)."""
    try:
        public_id = uuid.UUID(resource_id)
    except ValueError:
        raise FhirError(404, "not-found", f"No such {kind.name}.") from None
    row = kind.base(key.clinic).filter(public_id=public_id).first()
    if row is None:
        raise FhirError(404, "not-found", f"No such {kind.name}.")
    in_scope = kind.rows(key.clinic, practitioner=_practitioner(key)).filter(pk=row.pk)
    if not in_scope.exists():
        raise FhirError(403, "forbidden", f"This {kind.name} is outside the API key's scope.")
    return row


def _fields(key: ApiKey, kind: ResourceType, names: list[str] = ()) -> list[str]:
    # What was asked (type and parameter names, never values) and by which key.
    return [f"fhir:{kind.name}", f"key:{key.public_id}", *names]


@api_key_required
def search(request: HttpRequest, key: ApiKey, resource_type: str) -> HttpResponse:
    kind = _type(resource_type)
    asked = parse(kind, request.GET, key.clinic)
    if kind.name == "Questionnaire":
        rows: Any = [i for i in kind.rows(key.clinic) if wanted_questionnaire(i, asked)]
        total = len(rows)
        page = rows[asked.offset : asked.offset + asked.count]
        subject = None
    else:
        rows, subject = _searched_rows(kind, key, asked)
        total = rows.count()
        page = list(rows[asked.offset : asked.offset + asked.count])
    audit.record(
        request,
        "interop.fhir.searched",
        subject,
        clinic=key.clinic,
        object_type="" if subject else f"fhir.{kind.name.lower()}",
        object_id="" if subject else str(key.public_id),
        fields=_fields(key, kind, asked.names),
    )
    return fhir_json(_bundle(request, kind, asked, total, page))


def _searched_rows(kind: ResourceType, key: ApiKey, asked: Search) -> tuple[Any, Any]:
    """The rows the search selects; the one patient asked for, if any (for the audit row)."""
    rows = kind.rows(key.clinic, practitioner=_practitioner(key))
    subject = None
    if asked.patient_ids:
        patients = Client.objects.filter(clinic=key.clinic, public_id__in=asked.patient_ids)
        scoped = _scoped_patients(key).filter(pk__in=patients.values("pk"))
        if patients.exists() and not scoped.exists():
            raise FhirError(403, "forbidden", "This Patient is outside the API key's scope.")
        rows = rows.filter(**{f"{kind.client_path}__in": scoped.values("pk")})
        subject = scoped.first() if len(asked.patient_ids) == 1 else None
    if asked.ids is not None:
        rows = rows.filter(public_id__in=_uuids(asked.ids))
    if asked.codes:
        wanted = [kind.code_filter(system, code) for system, code in asked.codes]
        wanted = [q for q in wanted if q is not None]
        rows = rows.filter(reduce(operator.or_, wanted)) if wanted else rows.none()
    for condition in asked.filters:
        rows = rows.filter(condition)
    return rows, subject


def _scoped_patients(key: ApiKey) -> Any:
    return REGISTRY["Patient"].rows(key.clinic, practitioner=_practitioner(key))


def _uuids(values: list[str]) -> list[uuid.UUID]:
    out = []
    for value in values:
        try:
            out.append(uuid.UUID(value))
        except ValueError:
            continue  # an id that cannot exist matches nothing
    return out


def _bundle(
    request: HttpRequest, kind: ResourceType, asked: Search, total: int, page: list
) -> dict[str, Any]:
    base = request.build_absolute_uri(request.path)
    resource_base = request.build_absolute_uri(f"/fhir/{kind.name}/")
    kept = ((name, values) for name, values in request.GET.lists())
    params = [(n, v) for n, values in kept if n not in ("_offset", "_count") for v in values]

    def link(relation: str, offset: int) -> dict[str, str]:
        query = urlencode([*params, ("_count", str(asked.count)), ("_offset", str(offset))])
        return {"relation": relation, "url": f"{base}?{query}"}

    links = [link("self", asked.offset)]
    if asked.offset + asked.count < total:
        links.append(link("next", asked.offset + asked.count))
    if asked.offset > 0:
        links.append(link("previous", max(asked.offset - asked.count, 0)))
    entries = []
    for row in page:
        resource = kind.build(row)
        entries.append(
            {
                "fullUrl": f"{resource_base}{resource['id']}",
                "resource": resource,
                "search": {"mode": "match"},
            }
        )
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": timezone.now().isoformat(timespec="seconds")},
        "type": "searchset",
        "total": total,
        "link": links,
        "entry": entries,
    }
