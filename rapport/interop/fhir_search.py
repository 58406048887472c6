"""FHIR search parameters: parsed, checked (a bad one is a 400), applied to a type's rows.

Supported: ``_id``, ``patient``, ``date``, ``code``, ``_lastUpdated``, ``_count`` and
``_offset`` (the paging links'). ``date`` and ``_lastUpdated`` take the prefixes
eq, lt, le, gt, ge and a year, month, day or instant; a bare date means the whole
day in the clinic's time zone.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import DateTimeField, Q
from django.http import QueryDict
from django.utils.dateparse import parse_datetime

from rapport.core.models import Clinic
from rapport.interop.fhir_http import FhirError
from rapport.interop.resources import ResourceType, questionnaire_id

DEFAULT_COUNT = 20
MAX_COUNT = 100
# Parameters that only shape the answer; accepted and ignored where they ask for JSON.
FORMAT_PARAMS = {"_format"}
JSON_FORMATS = {"json", "application/json", "application/fhir+json"}
PREFIXES = ("eq", "lt", "le", "gt", "ge")
PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def bad(text: str) -> FhirError:
    return FhirError(400, "invalid", text)


@dataclass
class Search:
    """One search, checked: what filters the rows, and the page asked for."""

    filters: list[Q] = field(default_factory=list)
    patient_ids: list[uuid.UUID] = field(default_factory=list)
    codes: list[tuple[str, str]] = field(default_factory=list)
    ids: list[str] | None = None
    count: int = DEFAULT_COUNT
    offset: int = 0
    names: list[str] = field(default_factory=list)


def allowed(resource_type: ResourceType) -> set[str]:
    names = {"_id", "_count", "_offset", *FORMAT_PARAMS}
    if resource_type.client_path not in (None, "pk"):
        names.add("patient")
    if resource_type.date_field:
        names.add("date")
    if resource_type.code_filter or resource_type.name == "Questionnaire":
        names.add("code")
    if resource_type.updated_field:
        names.add("_lastUpdated")
    return names


def parse(resource_type: ResourceType, params: QueryDict, clinic: Clinic) -> Search:
    """Check every parameter against what ``resource_type`` supports; 400 otherwise."""
    search = Search(names=sorted(params.keys()))
    supported = allowed(resource_type)
    for name in params:
        base = name.split(":")[0]
        if base != name or name not in supported:
            raise bad(f"Unsupported search parameter for {resource_type.name}: {name}")
        values = params.getlist(name)
        if name == "_format":
            if any(v not in JSON_FORMATS for v in values):
                raise bad("Only JSON is served.")
        elif name == "_count":
            search.count = min(_integer(name, values, minimum=1), MAX_COUNT)
        elif name == "_offset":
            search.offset = _integer(name, values, minimum=0)
        elif name == "_id":
            search.ids = [part for value in values for part in value.split(",") if part]
        elif name == "patient":
            search.patient_ids = [_patient_id(value) for value in values]
        elif name == "code":
            search.codes = [_token(part) for value in values for part in value.split(",")]
        elif name == "date":
            field_name = resource_type.date_field
            search.filters += [_date_filter(field_name, v, resource_type, clinic) for v in values]
        elif name == "_lastUpdated":
            field_name = resource_type.updated_field
            search.filters += [_date_filter(field_name, v, resource_type, clinic) for v in values]
    return search


def _integer(name: str, values: list[str], *, minimum: int) -> int:
    if len(values) != 1 or not values[0].isdigit() or int(values[0]) < minimum:
        raise bad(f"{name} takes one whole number of at least {minimum}.")
    return int(values[0])


def _patient_id(value: str) -> uuid.UUID:
    reference = value.removeprefix("Patient/")
    try:
        return uuid.UUID(reference)
    except ValueError:
        raise bad("patient takes a Patient id or a reference Patient/<id>.") from None


def _token(value: str) -> tuple[str, str]:
    system, bar, code = value.partition("|")
    if not bar:
        system, code = "", value
    if not code:
        raise bad("code takes a code or system|code.")
    return system, code


def _date_filter(field_name: str | None, value: str, resource_type: Any, clinic: Clinic) -> Q:
    prefix = value[:2] if value[:2] in PREFIXES else "eq"
    text = value[2:] if value[:2] in PREFIXES else value
    start, end = _bounds(text, clinic)
    model_field = _model_field(resource_type, field_name)
    if not isinstance(model_field, DateTimeField):
        start, end = _as_date(start, clinic), _as_date(end, clinic, upper=True)
    lookups = {
        "eq": Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end}),
        "lt": Q(**{f"{field_name}__lt": start}),
        "le": Q(**{f"{field_name}__lt": end}),
        "gt": Q(**{f"{field_name}__gte": end}),
        "ge": Q(**{f"{field_name}__gte": start}),
    }
    return lookups[prefix]


def _bounds(text: str, clinic: Clinic) -> tuple[datetime, datetime]:
    """The instant range a FHIR date or dateTime stands for: [start, end)."""
    match = PARTIAL_DATE.match(text)
    if match:
        year, month, day_ = (int(g) if g else None for g in match.groups())
        try:
            first = date(year, month or 1, day_ or 1)
        except ValueError:
            raise bad(f"Not a date: {text}") from None
        if day_:
            after = first + timedelta(days=1)
        elif month:
            after = date(year + (month == 12), month % 12 + 1, 1)
        else:
            after = date(year + 1, 1, 1)
        zone = clinic.zone
        return (
            datetime.combine(first, time(), tzinfo=zone),
            datetime.combine(after, time(), tzinfo=zone),
        )
    try:
        moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise bad(f"Not a date or a dateTime with its time zone: {text}")
    return moment, moment + timedelta(seconds=1)


def _as_date(moment: datetime, clinic: Clinic, *, upper: bool = False) -> date:
    local = moment.astimezone(clinic.zone)
    # An instant inside a day: the day counts (as the lower bound) or the next does (upper).
    if upper and local.time() != time():
        return local.date() + timedelta(days=1)
    return local.date()


def _model_field(resource_type: ResourceType, field_name: str | None) -> Any:
    model = resource_type.base(None).model  # the type's model (a lazy queryset: no query)
    return model._meta.get_field(field_name)


def questionnaire_codes(search: Search) -> set[str]:
    return {code for _system, code in search.codes}


def wanted_questionnaire(instrument: Any, search: Search) -> bool:
    if search.ids is not None and questionnaire_id(instrument.code) not in search.ids:
        return False
    return not search.codes or instrument.loinc_panel in questionnaire_codes(search)
