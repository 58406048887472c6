"""FHIR R4 QuestionnaireResponses (PHQ-9, GAD-7): one, a Bundle, or NDJSON lines.

The questionnaire is recognised by its canonical or LOINC panel (44249-1, 69737-5),
else by its items' LOINC codes. Items are matched by LOINC code (``item.code`` or
the ``linkId``: "/44260-8", "44260-8"), by Rapport's own keys ("q9"), or by a
numbered linkId ("PHQ.9"). Answers are a LOINC answer code (LA6568-5 …), an
``ordinalValue`` on the coding, or a ``valueInteger``. A stated total (44261-6,
70274-6, or the linkId "total" of Rapport's own export) is read only to be
compared: the engine's total is what is stored.

The subject is matched, within the importer's scope, by the client's identifier in
Rapport (a Patient's ``identifier`` value or id), else by the name and birth date of
the Patient the response refers to when that Patient is in the same input (a Bundle
or NDJSON from a bulk export). Entry numbers count resources from 1, in input order.
"""

from __future__ import annotations

import contextlib
import json
import re
from datetime import date, datetime
from typing import Any

from rapport.interop.imports.checking import IMPORTABLE, instrument_for
from rapport.interop.imports.rows import Candidate, ClientRef, RowError
from rapport.measures import instruments
from rapport.measures.instruments.base import Instrument

MAX_RESOURCES = 10000  # Patients and responses together (and at most MAX_BYTES)
ORDINAL_URLS = (
    "http://hl7.org/fhir/StructureDefinition/ordinalValue",
    "http://hl7.org/fhir/StructureDefinition/itemWeight",
    "http://hl7.org/fhir/StructureDefinition/iso21090-CO-value",
)
TOTAL_CODES = {"44261-6": "phq9", "70274-6": "gad7"}
NUMBERED = re.compile(r"^(?:phq|gad)[-_.]?(?:9|7)?[-_.]?(\d+)$", re.IGNORECASE)
COMPLETED = {"completed", "amended"}


def resources_in(text: str) -> tuple[list[dict[str, Any]], list[RowError]]:
    """The resources of a pasted or uploaded text: one JSON resource, a Bundle, or NDJSON."""
    text = text.strip().lstrip("\ufeff")
    if not text:
        return [], [RowError(1, "", "Nothing was given: paste the JSON or choose a file.")]
    try:
        parsed = [json.loads(text)]
    except json.JSONDecodeError as whole_error:
        parsed = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                parsed.append(json.loads(line))
            except json.JSONDecodeError:
                where = whole_error if number == 1 else None
                detail = f" (line {where.lineno}, column {where.colno})" if where else ""
                return [], [RowError(number, "", f"This is not valid JSON{detail}.")]
    resources: list[dict[str, Any]] = []
    for item in parsed:
        if isinstance(item, dict) and item.get("resourceType") == "Bundle":
            for entry in item.get("entry") or []:
                resource = entry.get("resource") if isinstance(entry, dict) else None
                if isinstance(resource, dict):
                    resource = dict(resource)
                    resource.setdefault("_fullUrl", entry.get("fullUrl", ""))
                    resources.append(resource)
        elif isinstance(item, dict):
            resources.append(item)
        else:
            return [], [RowError(1, "", "Expected a FHIR resource (a JSON object).")]
    if len(resources) > MAX_RESOURCES:
        return [], [RowError(1, "", f"At most {MAX_RESOURCES} resources per import.")]
    return resources, []


def read(text: str) -> tuple[list[Candidate], list[RowError], int]:
    """Candidates of every QuestionnaireResponse, input errors, and how many other
    resources were only read (Patients used for matching, anything else ignored)."""
    resources, errors = resources_in(text)
    if errors:
        return [], errors, 0
    patients = _patients(resources)
    candidates = []
    for number, resource in enumerate(resources, start=1):
        if resource.get("resourceType") == "QuestionnaireResponse":
            candidates.append(_candidate(number, resource, patients))
    if not candidates:
        return [], [RowError(1, "resourceType", "No QuestionnaireResponse was found.")], 0
    return candidates, [], len(resources) - len(candidates)


def _patients(resources: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Patients by every way a reference may name them: "Patient/id", the fullUrl."""
    found = {}
    for resource in resources:
        if resource.get("resourceType") == "Patient":
            if resource.get("id"):
                found[f"Patient/{resource['id']}"] = resource
            if resource.get("_fullUrl"):
                found[resource["_fullUrl"]] = resource
    return found


def _client_ref(subject: Any, patients: dict[str, dict[str, Any]]) -> ClientRef:
    if not isinstance(subject, dict):
        return ClientRef()
    identifiers = []
    if isinstance(subject.get("identifier"), dict):
        identifiers.append(str(subject["identifier"].get("value", "")))
    reference = str(subject.get("reference", ""))
    patient = patients.get(reference)
    if reference.startswith("Patient/"):
        identifiers.append(reference.removeprefix("Patient/"))
    if patient is None:
        return ClientRef(identifiers=tuple(identifiers))
    identifiers += [
        str(identifier.get("value", ""))
        for identifier in patient.get("identifier") or []
        if isinstance(identifier, dict)
    ]
    names = [n for n in patient.get("name") or [] if isinstance(n, dict)]
    name = next((n for n in names if n.get("use") in (None, "official", "usual")), None)
    birth = None
    with contextlib.suppress(ValueError):
        birth = date.fromisoformat(str(patient.get("birthDate", "")))
    return ClientRef(
        identifiers=tuple(identifiers),
        family_name=str(name.get("family", "")) if name else "",
        given_name=str((name.get("given") or [""])[0]) if name else "",
        date_of_birth=birth,
    )


def _candidate(number: int, qr: dict[str, Any], patients: dict[str, dict[str, Any]]) -> Candidate:
    candidate = Candidate(
        row=number,
        source=f"FHIR entry {number}",
        client_column="subject",
        instrument_column="questionnaire",
        date_column="authored",
        total_column="item (total score)",
    )
    status = qr.get("status")
    if status not in COMPLETED:
        candidate.refuse("status", f"Only completed responses are imported (status is “{status}”).")
    candidate.client = _client_ref(qr.get("subject"), patients)
    if not candidate.client.identifiers and not candidate.client.by_name:
        candidate.refuse("subject", "The response names no patient.")
    candidate.when = _authored(candidate, qr.get("authored"))
    items = list(_flatten(qr.get("item") or []))
    code = instrument_for(str(qr.get("questionnaire", ""))) or _code_from_items(items)
    if code is None:
        candidate.refuse(
            "questionnaire", "Not a PHQ-9 or GAD-7 (no known canonical or LOINC code)."
        )
        return candidate
    candidate.instrument_code = code
    _answers(candidate, instruments.get(code), items)
    return candidate


def _authored(candidate: Candidate, value: Any) -> date | datetime | None:
    text = str(value or "")
    if not text:
        candidate.refuse("authored", "The response has no date (authored).")
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        candidate.refuse(
            "authored", f"“{text}” is not a full date, or a date and time with its zone."
        )
        return None
    return moment


def _flatten(items: list[Any]) -> Any:
    for item in items:
        if not isinstance(item, dict):
            continue
        yield item
        yield from _flatten(item.get("item") or [])
        for answer in item.get("answer") or []:
            if isinstance(answer, dict):
                yield from _flatten(answer.get("item") or [])


def _codes(item: dict[str, Any]) -> set[str]:
    link = str(item.get("linkId", "")).strip().rstrip("/").rsplit("/", 1)[-1]
    coded = {str(c.get("code", "")) for c in item.get("code") or [] if isinstance(c, dict)}
    return {link, *coded} - {""}


def _code_from_items(items: list[dict[str, Any]]) -> str | None:
    for code in IMPORTABLE:
        loincs = {item.loinc for item in instruments.get(code).items if item.loinc}
        if any(_codes(item) & (loincs | {instruments.get(code).loinc_total}) for item in items):
            return code
    return None


def _key_for(instrument: Instrument, item: dict[str, Any]) -> str | None:
    codes = _codes(item)
    for known in instrument.items:
        if known.key in codes or (known.loinc and known.loinc in codes):
            return known.key
    for code in codes:
        numbered = NUMBERED.match(code)
        if numbered:
            n = int(numbered.group(1))
            scored = [i for i in instrument.items if i.scored]
            if 1 <= n <= len(scored):
                return scored[n - 1].key
            if n == len(scored) + 1:
                return "difficulty"
    return None


def _answers(candidate: Candidate, instrument: Instrument, items: list[dict[str, Any]]) -> None:
    for item in items:
        answers = [a for a in item.get("answer") or [] if isinstance(a, dict)]
        codes = _codes(item)
        label = f"item {str(item.get('linkId', '')).strip() or '?'}"
        if codes & {instrument.loinc_total, *TOTAL_CODES} or "total" in {c.lower() for c in codes}:
            candidate.stated_total = _number(answers)
            candidate.total_column = label
            continue
        key = _key_for(instrument, item)
        if key is None:
            if answers:
                candidate.notes.append(f"{label} is not a {instrument.short_title} item: ignored")
            continue
        if not answers:
            continue
        if key in candidate.answers:
            candidate.refuse(label, "This question is answered twice.")
            continue
        value = _value(instrument, key, answers[0])
        if value is None:
            candidate.refuse(label, f"This answer is not one of the {instrument.short_title}'s.")
        else:
            candidate.answers[key] = value


def _value(instrument: Instrument, key: str, answer: dict[str, Any]) -> int | None:
    options = instrument.item(key).options
    if isinstance(answer.get("valueInteger"), int) and not isinstance(answer["valueInteger"], bool):
        value = answer["valueInteger"]
        return value if value in {o.value for o in options} else None
    coding = answer.get("valueCoding")
    if not isinstance(coding, dict):
        return None
    by_code = {o.loinc: o.value for o in options if o.loinc}
    if coding.get("code") in by_code:
        return by_code[coding["code"]]
    for extension in coding.get("extension") or []:
        if isinstance(extension, dict) and extension.get("url") in ORDINAL_URLS:
            number = extension.get("valueDecimal", extension.get("valueInteger"))
            whole = isinstance(number, int | float) and float(number).is_integer()
            if whole and int(number) in {o.value for o in options}:
                return int(number)
    return None


def _number(answers: list[dict[str, Any]]) -> int | None:
    for answer in answers:
        for name in ("valueInteger", "valueDecimal"):
            value = answer.get(name)
            if isinstance(value, int | float) and float(value).is_integer():
                return int(value)
        quantity = answer.get("valueQuantity")
        if isinstance(quantity, dict) and isinstance(quantity.get("value"), int | float):
            return int(quantity["value"])
    return None
