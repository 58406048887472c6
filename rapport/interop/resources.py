"""Rapport's rows as FHIR R4 resources: one builder per type, and the registry.

``REGISTRY`` (also ``RESOURCES``) maps a resource type's name to a ``ResourceType``:

* ``rows(clinic, *, practitioner=None, patient=None, since=None)`` gives the rows
  that make this type's resources for one clinic: every client the clinic reaches,
  or only ``practitioner``'s caseload (a caseload key, a group export), or only one
  ``patient`` (a client's full record; the caller has checked its access), and with
  ``since`` only rows changed after it, where the type keeps a change time. It is a
  QuerySet with the joins its builder needs (``select_related``/``prefetch_related``),
  so ``.iterator(chunk_size=…)`` streams any number of rows in flat memory. The one
  exception is Questionnaire, whose rows are the catalogue's instruments (a list).
* ``build(row)`` gives that row's resource as a JSON-ready dict (one row, one
  resource), valid FHIR R4 (the tests check every type with fhir.resources R4B).

Never exported: process notes, session-note text, the client's clinical background,
closing notes and correction reasons. Resource ids are the rows' opaque public ids
(a questionnaire's is its catalogue code).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.db.models import Model, Prefetch, Q, QuerySet
from django.utils import translation

from rapport.clients.models import Client
from rapport.core.models import Clinic, User
from rapport.interop import rows as row_reading
from rapport.interop import scope
from rapport.interop.rows import Row, choice_label, from_instance
from rapport.ipt import diagnoses
from rapport.ipt.models import Episode, EpisodeDiagnosis, Goal, MaintenancePlan, SessionNote
from rapport.ipt.models.episodes import SessionAttendance
from rapport.measures import instruments
from rapport.measures.instruments.base import Instrument, Item, Licence
from rapport.measures.models import Response
from rapport.scheduling.models import Appointment

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/"
# Rapport's own code systems and identifiers (URNs: no host to keep alive).
RAPPORT = "urn:rapport"
IDENTIFIER_SYSTEM = "urn:ietf:rfc:3986"

# The US Core 6.1 profiles these resources meet (docs/fhir.md says what they lack).
PROFILES: dict[str, str] = {
    "Practitioner": US_CORE + "us-core-practitioner",
    "Encounter": US_CORE + "us-core-encounter",
    "Condition": US_CORE + "us-core-condition-problems-health-concerns",
    "QuestionnaireResponse": US_CORE + "us-core-questionnaireresponse",
    "Observation": US_CORE + "us-core-observation-screening-assessment",
    "CarePlan": US_CORE + "us-core-careplan",
    "Goal": US_CORE + "us-core-goal",
}


# --- small helpers --------------------------------------------------------------------


def ref(kind: str, public_id: Any) -> dict[str, str]:
    return {"reference": f"{kind}/{public_id}"}


def instant(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def meta(kind: str, updated: datetime | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if updated is not None:
        out["lastUpdated"] = instant(updated)
    if kind in PROFILES:
        out["profile"] = [PROFILES[kind]]
    return out


def uuid_identifier(public_id: Any) -> list[dict[str, str]]:
    return [{"system": IDENTIFIER_SYSTEM, "value": f"urn:uuid:{public_id}"}]


def narrative(*lines: str) -> dict[str, str]:
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line)
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>'}


def drop_empty(resource: dict[str, Any]) -> dict[str, Any]:
    """FHIR forbids empty values: leave out None, "", [] and {}."""
    return {k: v for k, v in resource.items() if v not in (None, "", [], {})}


def english(builder: Callable[[Any], dict[str, Any]]) -> Callable[[Any], dict[str, Any]]:
    """Labels (choices, instrument wording) in English whatever the caller's language."""

    def build(row: Any) -> dict[str, Any]:
        with translation.override("en"):
            return builder(row)

    build.__name__ = builder.__name__
    build.__doc__ = builder.__doc__
    return build


# --- builders -------------------------------------------------------------------------


PATIENT_COLUMNS = (
    "public_id",
    "updated_at",
    "archived_at",
    "family_name",
    "given_name",
    "preferred_name",
    "email",
    "phone",
    "date_of_birth",
    "preferred_language",
    "assigned_therapist__public_id",
)


@english
def build_patient(client: Client) -> dict[str, Any]:
    return patient_resource(from_instance(client, PATIENT_COLUMNS))


def patient_resource(client: Row) -> dict[str, Any]:
    family = client["family_name"]
    names = [{"use": "official", "family": family, "given": [client["given_name"]]}]
    if client["preferred_name"]:
        names.append({"use": "usual", "family": family, "given": [client["preferred_name"]]})
    telecom = []
    if client["email"]:
        telecom.append({"system": "email", "value": client["email"]})
    if client["phone"]:
        telecom.append({"system": "phone", "value": client["phone"]})
    therapist = client["assigned_therapist__public_id"]
    return drop_empty(
        {
            "resourceType": "Patient",
            "id": str(client["public_id"]),
            "meta": meta("Patient", client["updated_at"]),
            "identifier": uuid_identifier(client["public_id"]),
            "active": client["archived_at"] is None,
            "name": names,
            "telecom": telecom,
            "birthDate": day(client["date_of_birth"]),
            "communication": [
                {
                    "language": {
                        "coding": [
                            {"system": "urn:ietf:bcp:47", "code": client["preferred_language"]}
                        ]
                    },
                    "preferred": True,
                }
            ],
            "generalPractitioner": [ref("Practitioner", therapist)] if therapist else [],
        }
    )


@english
def build_practitioner(user: User) -> dict[str, Any]:
    name = drop_empty(
        {"family": user.last_name, "given": [user.first_name] if user.first_name else []}
    )
    return drop_empty(
        {
            "resourceType": "Practitioner",
            "id": str(user.public_id),
            "meta": meta("Practitioner"),
            "identifier": uuid_identifier(user.public_id),
            "active": user.is_active,
            "name": [name if name.get("family") else {"text": str(user) or user.username}],
            "telecom": [{"system": "email", "value": user.email}] if user.email else [],
        }
    )


EPISODE_COLUMNS = (
    "id",
    "public_id",
    "created_at",
    "status",
    "episode_type",
    "started_on",
    "closed_on",
    "client__public_id",
    "therapist__public_id",
)


@english
def build_episode_of_care(episode: Episode) -> dict[str, Any]:
    row = from_instance(episode, EPISODE_COLUMNS)
    row["diagnoses"] = [
        (d.public_id, d.rank) for d in episode.diagnoses.all() if d.replaced_at is None
    ]
    return episode_of_care_resource(row)


def _attach_diagnoses(batch: list[Row]) -> None:
    """Each episode's current diagnoses (public id, rank): one query for the batch."""
    found: dict[int, list[tuple[Any, int]]] = {row["id"]: [] for row in batch}
    current = EpisodeDiagnosis.objects.current().filter(episode_id__in=list(found))
    for episode_id, public_id, rank, replaced_at in current.values_list(
        "episode_id", "public_id", "rank", "replaced_at"
    ):
        if replaced_at is None:
            found[episode_id].append((public_id, rank))
    for row in batch:
        row["diagnoses"] = found[row["id"]]


def episode_of_care_resource(episode: Row) -> dict[str, Any]:
    kind = choice_label(Episode, "episode_type", episode["episode_type"])
    return drop_empty(
        {
            "resourceType": "EpisodeOfCare",
            "id": str(episode["public_id"]),
            "meta": meta("EpisodeOfCare", episode["created_at"]),
            "status": "active" if episode["status"] == Episode.Status.ACTIVE else "finished",
            "type": [
                {
                    "coding": [
                        {
                            "system": f"{RAPPORT}:episode-type",
                            "code": episode["episode_type"],
                            "display": kind,
                        }
                    ],
                    "text": f"Interpersonal psychotherapy, {kind}",
                }
            ],
            "diagnosis": [
                {"condition": ref("Condition", public_id), "rank": rank}
                for public_id, rank in sorted(episode["diagnoses"], key=lambda d: d[1])
            ],
            "patient": ref("Patient", episode["client__public_id"]),
            "period": drop_empty(
                {"start": day(episode["started_on"]), "end": day(episode["closed_on"])}
            ),
            "careManager": ref("Practitioner", episode["therapist__public_id"]),
        }
    )


# SNOMED CT 75516001 |Psychotherapy (regime/therapy)|: what every held session is.
PSYCHOTHERAPY = {"system": SNOMED, "code": "75516001", "display": "Psychotherapy"}


ENCOUNTER_COLUMNS = (
    "public_id",
    "number",
    "held_on",
    "saved_at",
    "episode__public_id",
    "episode__client__public_id",
    "author__public_id",
)


@english
def build_encounter(note: SessionNote) -> dict[str, Any]:
    return encounter_resource(from_instance(note, ENCOUNTER_COLUMNS))


def encounter_resource(note: Row) -> dict[str, Any]:
    """A held session: when, who, which course. Never the note's text."""
    return {
        "resourceType": "Encounter",
        "id": str(note["public_id"]),
        "meta": meta("Encounter", note["saved_at"]),
        "identifier": uuid_identifier(note["public_id"]),
        "status": "finished",
        "class": {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": "AMB",
            "display": "ambulatory",
        },
        "type": [{"coding": [PSYCHOTHERAPY], "text": f"IPT session {note['number']}"}],
        "subject": ref("Patient", note["episode__client__public_id"]),
        "episodeOfCare": [ref("EpisodeOfCare", note["episode__public_id"])],
        "participant": [{"individual": ref("Practitioner", note["author__public_id"])}],
        "period": {"start": day(note["held_on"]), "end": day(note["held_on"])},
    }


APPOINTMENT_STATUS = {
    Appointment.Status.HELD: "pending",
    Appointment.Status.BOOKED: "booked",
    Appointment.Status.CANCELLED: "cancelled",
    Appointment.Status.LATE_CANCELLED: "cancelled",
    Appointment.Status.NO_SHOW: "noshow",
    Appointment.Status.ATTENDED: "fulfilled",
}


APPOINTMENT_COLUMNS = (
    "public_id",
    "created_at",
    "status",
    "kind",
    "starts_at",
    "ends_at",
    "client__public_id",
    "therapist__public_id",
)


@english
def build_appointment(appointment: Appointment) -> dict[str, Any]:
    return appointment_resource(from_instance(appointment, APPOINTMENT_COLUMNS))


def appointment_resource(appointment: Row) -> dict[str, Any]:
    """When and with whom; never the video link (a credential to the call)."""
    starts, ends = appointment["starts_at"], appointment["ends_at"]
    minutes = int((ends - starts).total_seconds() // 60)
    return drop_empty(
        {
            "resourceType": "Appointment",
            "id": str(appointment["public_id"]),
            "meta": meta("Appointment", appointment["created_at"]),
            "status": APPOINTMENT_STATUS[appointment["status"]],
            "appointmentType": {
                "coding": [
                    {
                        "system": f"{RAPPORT}:appointment-kind",
                        "code": appointment["kind"],
                        "display": choice_label(Appointment, "kind", appointment["kind"]),
                    }
                ]
            },
            "start": instant(starts),
            "end": instant(ends),
            "minutesDuration": minutes if minutes > 0 else None,
            "created": day(appointment["created_at"].date()),
            "participant": [
                {
                    "actor": ref("Patient", appointment["client__public_id"]),
                    "required": "required",
                    "status": "accepted",
                },
                {
                    "actor": ref("Practitioner", appointment["therapist__public_id"]),
                    "required": "required",
                    "status": "accepted",
                },
            ],
        }
    )


CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
CLINICAL_STATUS = "http://terminology.hl7.org/CodeSystem/condition-clinical"
VERIFICATION_STATUS = "http://terminology.hl7.org/CodeSystem/condition-ver-status"


def _status(system: str, code: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code}]}


CONDITION_COLUMNS = (
    "public_id",
    "replaced_at",
    "end_reason",
    "recorded_at",
    "code_system_version",
    "code",
    "title",
    "diagnosed_on",
    "episode__client__public_id",
    "recorded_by__public_id",
)


@english
def build_condition(diagnosis: EpisodeDiagnosis) -> dict[str, Any]:
    return condition_resource(from_instance(diagnosis, CONDITION_COLUMNS))


def condition_resource(diagnosis: Row) -> dict[str, Any]:
    """The working diagnosis; an earlier one stays, resolved, inactive or in error."""
    replaced_at, end_reason = diagnosis["replaced_at"], diagnosis["end_reason"]
    ended = replaced_at is not None
    in_error = ended and end_reason == "entered in error"
    if in_error:
        clinical = None
    elif not ended:
        clinical = "active"
    else:
        clinical = "resolved" if end_reason == "resolved" else "inactive"
    return drop_empty(
        {
            "resourceType": "Condition",
            "id": str(diagnosis["public_id"]),
            "meta": meta("Condition", replaced_at or diagnosis["recorded_at"]),
            "clinicalStatus": _status(CLINICAL_STATUS, clinical) if clinical else None,
            "verificationStatus": _status(
                VERIFICATION_STATUS, "entered-in-error" if in_error else "confirmed"
            ),
            "category": [
                {
                    "coding": [
                        {
                            "system": CONDITION_CATEGORY,
                            "code": "problem-list-item",
                            "display": "Problem List Item",
                        }
                    ]
                }
            ],
            "code": {
                "coding": [
                    {
                        "system": diagnoses.CODE_SYSTEM_URI,
                        "version": diagnosis["code_system_version"],
                        "code": diagnosis["code"],
                        "display": diagnosis["title"],
                    }
                ],
                "text": diagnosis["title"],
            },
            "subject": ref("Patient", diagnosis["episode__client__public_id"]),
            "onsetDateTime": day(diagnosis["diagnosed_on"]),
            "abatementDateTime": instant(replaced_at) if clinical == "resolved" else None,
            "recordedDate": instant(diagnosis["recorded_at"]),
            "recorder": ref("Practitioner", diagnosis["recorded_by__public_id"]),
        }
    )


# --- questionnaires -------------------------------------------------------------------


def questionnaire_id(code: str) -> str:
    """An instrument's resource id: its catalogue code, as FHIR ids allow ("cssrs-screener")."""
    return code.replace("_", "-")


def questionnaire_url(code: str) -> str:
    return f"{RAPPORT}:questionnaire:{code}"


def answer_coding(instrument: Instrument, item: Item, value: int) -> dict[str, Any]:
    """One answer as a coding: LOINC's answer code where it has one, else Rapport's."""
    option = next((o for o in item.options if o.value == value), None)
    worded = instrument.licence != Licence.LICENSED
    if option is not None and option.loinc:
        coding = {"system": LOINC, "code": option.loinc}
    else:
        coding = {"system": f"{RAPPORT}:answers:{instrument.code}:{item.key}", "code": str(value)}
    if option is not None and worded:
        coding["display"] = str(option.label)
    return coding


def _item_codes(item: Item) -> list[dict[str, str]]:
    return [{"system": LOINC, "code": item.loinc}] if item.loinc else []


@english
def build_questionnaire(instrument: Instrument) -> dict[str, Any]:
    """The form: full wording for public instruments; a licensed form without wording."""
    worded = instrument.licence != Licence.LICENSED
    items = []
    for item in instrument.items:
        items.append(
            drop_empty(
                {
                    "linkId": item.key,
                    "code": _item_codes(item),
                    "text": str(item.text) if worded else None,
                    "type": "choice",
                    "required": item.required and item.required_if_total_above is None,
                    "answerOption": [
                        {"valueCoding": answer_coding(instrument, item, option.value)}
                        for option in item.options
                    ],
                }
            )
        )
    if instrument.has_total:
        items.append(
            drop_empty(
                {
                    "linkId": "total",
                    "code": [{"system": LOINC, "code": instrument.loinc_total}]
                    if instrument.loinc_total
                    else [],
                    "text": "Total score",
                    "type": "integer",
                    "readOnly": True,
                }
            )
        )
    return drop_empty(
        {
            "resourceType": "Questionnaire",
            "id": questionnaire_id(instrument.code),
            "url": questionnaire_url(instrument.code),
            "version": instrument.version,
            "name": "".join(c for c in str(instrument.short_title) if c.isalnum()) or None,
            "title": str(instrument.title),
            "status": "active",
            "subjectType": ["Patient"],
            "description": str(instrument.instructions) if worded else None,
            "copyright": str(instrument.licence_note) or None,
            "code": [{"system": LOINC, "code": instrument.loinc_panel}]
            if instrument.loinc_panel
            else [],
            "item": items,
        }
    )


QR_STATUS_CORRECTED = "entered-in-error"


@dataclass(frozen=True)
class _FormItem:
    item: Item
    text: str | None  # the wording, where the licence allows it
    codings: dict[int, dict[str, Any]]  # each option's answer coding, by value


@dataclass(frozen=True)
class _Form:
    """An instrument as its responses are exported: wording and codings worked out once."""

    instrument: Instrument
    items: tuple[_FormItem, ...]
    total_code: dict[str, Any]

    def answer(self, entry: _FormItem, value: int) -> dict[str, Any]:
        coding = entry.codings.get(value)
        if coding is None:  # a value outside the options: coded as it is, never labelled
            return answer_coding(self.instrument, entry.item, value)
        return dict(coding)


@lru_cache(maxsize=256)
def _form(code: str, form_version: str) -> _Form:
    """The form a response was answered on, its labels in English (cached)."""
    instrument = instruments.as_answered(code, form_version)
    worded = instrument.licence != Licence.LICENSED
    with translation.override("en"):
        items = tuple(
            _FormItem(
                item,
                str(item.text) if worded else None,
                {o.value: answer_coding(instrument, item, o.value) for o in item.options},
            )
            for item in instrument.items
        )
        return _Form(instrument, items, observation_code(instrument))


QR_COLUMNS = (
    "public_id",
    "instrument",
    "instrument_version",
    "answers",
    "total",
    "complete",
    "mode",
    "corrects_id",
    "submitted_at",
    "client__public_id",
    "entered_by__public_id",
    "corrected_by__id",
)
OBSERVATION_COLUMNS = (
    "public_id",
    "instrument",
    "instrument_version",
    "answers",
    "total",
    "band",
    "complete",
    "submitted_at",
    "client__public_id",
    "entered_by__public_id",
)


def _response_status(response: Row) -> str:
    if response["corrected_by__id"] is not None:
        return QR_STATUS_CORRECTED  # superseded by a correction
    if not response["complete"]:
        return "stopped"  # an early safety answer; completed by a later response
    return "amended" if response["corrects_id"] else "completed"


def _author(response: Row) -> dict[str, str]:
    if response["entered_by__public_id"] is not None:
        return ref("Practitioner", response["entered_by__public_id"])
    return ref("Patient", response["client__public_id"])


@english
def build_questionnaire_response(response: Response) -> dict[str, Any]:
    return questionnaire_response_resource(from_instance(response, QR_COLUMNS))


def questionnaire_response_resource(response: Row) -> dict[str, Any]:
    """The answers, coded; the wording only where the instrument's licence allows."""
    form = _form(response["instrument"], response["instrument_version"])
    instrument = form.instrument
    answers = response["answers"] or {}
    items = []
    for entry in form.items:
        value = answers.get(entry.item.key)
        if value is None:
            continue
        items.append(
            drop_empty(
                {
                    "linkId": entry.item.key,
                    "text": entry.text,
                    "answer": [{"valueCoding": form.answer(entry, int(value))}],
                }
            )
        )
    total = response["total"]
    if total is not None and instrument.has_total:
        items.append(
            {"linkId": "total", "text": "Total score", "answer": [{"valueInteger": total}]}
        )
    client = response["client__public_id"]
    return drop_empty(
        {
            "resourceType": "QuestionnaireResponse",
            "id": str(response["public_id"]),
            "meta": meta("QuestionnaireResponse", response["submitted_at"]),
            "identifier": uuid_identifier(response["public_id"])[0],
            "questionnaire": f"{questionnaire_url(instrument.code)}|{instrument.version}",
            "status": _response_status(response),
            "subject": ref("Patient", client),
            "authored": instant(response["submitted_at"]),
            "author": _author(response),
            "source": ref("Patient", client)
            if response["mode"] in (Response.Mode.REMOTE, Response.Mode.PORTAL)
            else None,
            "item": items,
        }
    )


OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
US_CORE_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/us-core-category"


def observation_code(instrument: Instrument) -> dict[str, Any]:
    """The total's LOINC code, or the panel's where the total has none, or Rapport's."""
    if instrument.loinc_total:
        coding = {"system": LOINC, "code": instrument.loinc_total}
    elif instrument.loinc_panel:
        coding = {"system": LOINC, "code": instrument.loinc_panel}
    else:
        coding = {"system": f"{RAPPORT}:instrument", "code": instrument.code}
    return {"coding": [coding], "text": f"{instrument.short_title} total score"}


@english
def build_observation(response: Response) -> dict[str, Any]:
    return observation_resource(from_instance(response, OBSERVATION_COLUMNS))


def observation_resource(response: Row) -> dict[str, Any]:
    """A questionnaire's score: the total, with each LOINC-coded item answer as a component."""
    form = _form(response["instrument"], response["instrument_version"])
    answers = response["answers"] or {}
    components = [
        {
            "code": {"coding": _item_codes(entry.item)},
            "valueCodeableConcept": {"coding": [form.answer(entry, int(answers[entry.item.key]))]},
        }
        for entry in form.items
        if entry.item.loinc and answers.get(entry.item.key) is not None
    ]
    complete = response["complete"]
    total = response["total"] if complete else None
    band = response["band"]
    interpretation = [{"text": str(band)}] if band and total is not None else []
    code = form.total_code
    return drop_empty(
        {
            "resourceType": "Observation",
            "id": str(response["public_id"]),
            "meta": meta("Observation", response["submitted_at"]),
            "status": "final" if complete else "preliminary",
            "category": [
                {
                    "coding": [
                        {"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}
                    ]
                },
                {
                    "coding": [
                        {
                            "system": US_CORE_CATEGORY,
                            "code": "screening-assessment",
                            "display": "Screening Assessment",
                        }
                    ]
                },
            ],
            "code": {"coding": [dict(code["coding"][0])], "text": code["text"]},
            "subject": ref("Patient", response["client__public_id"]),
            "effectiveDateTime": instant(response["submitted_at"]),
            "issued": instant(response["submitted_at"]),
            "performer": [_author(response)],
            "valueQuantity": {"value": total, "system": UCUM, "code": "{score}", "unit": "{score}"}
            if total is not None
            else None,
            "dataAbsentReason": None
            if total is not None or components
            else {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                        "code": "not-applicable",
                    }
                ]
            },
            "interpretation": interpretation,
            "derivedFrom": [ref("QuestionnaireResponse", response["public_id"])],
            "component": components,
        }
    )


# --- the plan -------------------------------------------------------------------------

CAREPLAN_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/careplan-category"


CAREPLAN_COLUMNS = (
    "public_id",
    "updated_at",
    "decision",
    "frequency",
    "planned_sessions",
    "gains",
    "warning_signs",
    "coping_strategies",
    "supports",
    "remaining_goals",
    "referral_detail",
    "updated_by__public_id",
    "episode_id",
    "episode__closed_on",
    "episode__client__public_id",
)
PLAN_SECTIONS = (
    ("Gains", "gains"),
    ("Early warning signs", "warning_signs"),
    ("What helps", "coping_strategies"),
    ("People to turn to", "supports"),
    ("Remaining goals", "remaining_goals"),
    ("Referred to", "referral_detail"),
)


@english
def build_care_plan(plan: MaintenancePlan) -> dict[str, Any]:
    row = from_instance(plan, CAREPLAN_COLUMNS)
    row["goals"] = [goal.public_id for goal in plan.episode.goals.all()]
    return care_plan_resource(row)


def _attach_goals(batch: list[Row]) -> None:
    """Each plan's course's goals (public ids, in their order): one query for the batch."""
    found: dict[int, list[Any]] = {row["episode_id"]: [] for row in batch}
    goals = Goal.objects.filter(episode_id__in=list(found)).values_list("episode_id", "public_id")
    for episode_id, public_id in goals:
        found[episode_id].append(public_id)
    for row in batch:
        row["goals"] = found[row["episode_id"]]


def care_plan_resource(plan: Row) -> dict[str, Any]:
    """The maintenance plan the client takes away at the end of a course."""
    frequency = plan["frequency"]
    when = choice_label(MaintenancePlan, "frequency", frequency) if frequency else ""
    sessions = plan["planned_sessions"]
    planned = f"{sessions} sessions planned" if sessions else ""
    decision = choice_label(MaintenancePlan, "decision", plan["decision"])
    summary = ", ".join(part for part in (decision, when, planned) if part)
    notes = [f"{label}: {plan[name]}" for label, name in PLAN_SECTIONS if plan[name]]
    closed_on = plan["episode__closed_on"]
    return drop_empty(
        {
            "resourceType": "CarePlan",
            "id": str(plan["public_id"]),
            "meta": meta("CarePlan", plan["updated_at"]),
            "text": narrative("Maintenance plan", summary, *notes),
            "status": "active",
            "intent": "plan",
            "category": [{"coding": [{"system": CAREPLAN_CATEGORY, "code": "assess-plan"}]}],
            "title": "Maintenance plan",
            "description": summary,
            "subject": ref("Patient", plan["episode__client__public_id"]),
            "period": {"start": day(closed_on)} if closed_on else None,
            "author": ref("Practitioner", plan["updated_by__public_id"]),
            "goal": [ref("Goal", public_id) for public_id in plan["goals"]],
            "note": [{"text": text} for text in notes],
        }
    )


GOAL_COLUMNS = ("public_id", "achieved", "problem_area", "text", "episode__client__public_id")


@english
def build_goal(goal: Goal) -> dict[str, Any]:
    return goal_resource(from_instance(goal, GOAL_COLUMNS))


def goal_resource(goal: Row) -> dict[str, Any]:
    area = choice_label(Goal, "problem_area", goal["problem_area"])
    achieved = goal["achieved"]
    return drop_empty(
        {
            "resourceType": "Goal",
            "id": str(goal["public_id"]),
            "meta": meta("Goal"),
            "lifecycleStatus": "completed" if achieved else "active",
            "achievementStatus": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/goal-achievement",
                        "code": "achieved" if achieved else "in-progress",
                    }
                ]
            },
            "category": [
                {
                    "coding": [
                        {
                            "system": f"{RAPPORT}:problem-area",
                            "code": goal["problem_area"],
                            "display": area,
                        }
                    ]
                }
            ],
            "description": {"text": goal["text"] or area},
            "subject": ref("Patient", goal["episode__client__public_id"]),
        }
    )


# --- the registry ---------------------------------------------------------------------


@dataclass(frozen=True)
class ResourceType:
    """How one FHIR type is made from Rapport's rows (see the module's docstring)."""

    name: str
    build: Callable[[Any], dict[str, Any]]
    # The clinic's rows with the joins ``build`` needs, unscoped by client.
    base: Callable[[Clinic], Any]
    # The lookup from a row to its client's primary key ("pk" for Patient itself).
    client_path: str | None
    # Search: the field ``date`` compares, the change time ``_lastUpdated`` and
    # ``since`` compare, and a ``code`` value's filter (None: not searchable that way).
    date_field: str | None = None
    updated_field: str | None = None
    code_filter: Callable[[str, str], Q | None] | None = None
    ordering: tuple[str, ...] = ("pk",)
    search_params: tuple[str, ...] = field(default=())
    # Exports read these columns with ``values()`` and build with ``from_row`` (``build``
    # reads the same columns from an instance); ``attach`` adds a batch's related lists.
    columns: tuple[str, ...] = ()
    from_row: Callable[[Row], dict[str, Any]] | None = None
    attach: Callable[[list[Row]], None] | None = None

    def stream(self, rows: Any, chunk_size: int = 2000) -> Iterator[dict[str, Any]]:
        """The resources of ``rows`` (from ``rows()``), read in chunks: flat memory."""
        if self.from_row is not None and isinstance(rows, QuerySet):
            return row_reading.stream(rows, self.columns, self.from_row, chunk_size, self.attach)
        if isinstance(rows, QuerySet):
            rows = rows.iterator(chunk_size=chunk_size)
        return (self.build(row) for row in rows)

    def rows(
        self,
        clinic: Clinic,
        *,
        practitioner: User | None = None,
        patient: Client | None = None,
        since: datetime | None = None,
    ) -> Any:
        """This type's rows for ``clinic``, the key's scope, one patient, changes since."""
        rows = self.base(clinic)
        if patient is not None:
            clients = Client.objects.filter(clinic=clinic, pk=patient.pk).values("pk")
        else:
            clients = scope.clients(clinic, practitioner=practitioner).values("pk")
        if self.client_path is not None:
            rows = rows.filter(**{f"{self.client_path}__in": clients})
        elif self.name == "Practitioner":
            rows = rows.filter(practitioner_filter(clinic, clients, practitioner, patient))
        if since is not None and self.updated_field is not None:
            rows = rows.filter(**{f"{self.updated_field}__gt": since})
        return rows.order_by(*self.ordering)


def practitioner_filter(
    clinic: Clinic, clients: Any, practitioner: User | None, patient: Client | None
) -> Q:
    """The clinicians in scope: a caseload's own practitioner, a patient's therapists,
    or every clinician of the clinic."""
    if patient is None and practitioner is not None:
        return Q(pk=practitioner.pk)
    if patient is not None:
        therapists = Episode.objects.filter(client__in=clients).values("therapist_id")
        return Q(pk__in=therapists) | Q(pk=patient.assigned_therapist_id)
    # Every staff member: authors of notes and entered scores are referenced too.
    return Q(staff_roles__isnull=False)


def _questionnaires(clinic: Clinic) -> Any:
    return QuestionnaireRows()


class QuestionnaireRows:
    """The catalogue's instruments, with the few QuerySet methods the registry uses."""

    def __init__(self, items: Iterable[Instrument] | None = None) -> None:
        self.items = list(items if items is not None else instruments.CATALOGUE.values())

    def filter(self, q: Q | None = None, **lookups: Any) -> QuestionnaireRows:
        items = self.items
        for key, value in lookups.items():
            if key == "code__in":
                items = [i for i in items if i.code in value]
            elif key == "loinc__in":
                items = [i for i in items if i.loinc_panel in value]
        return QuestionnaireRows(items)

    def order_by(self, *fields: str) -> QuestionnaireRows:
        return QuestionnaireRows(sorted(self.items, key=lambda i: i.code))

    def iterator(self, chunk_size: int = 0) -> Any:
        return iter(self.items)

    def count(self) -> int:
        return len(self.items)

    def __iter__(self) -> Any:
        return iter(self.items)

    def __getitem__(self, index: Any) -> Any:
        return self.items[index]

    def __len__(self) -> int:
        return len(self.items)


class QuestionnaireType(ResourceType):
    def rows(self, clinic: Clinic, **scope_: Any) -> QuestionnaireRows:
        return QuestionnaireRows().order_by("code")


def _instruments_coded(code: str) -> list[str]:
    """Instruments whose total, panel or an item carries the LOINC ``code``."""
    return [
        instrument.code
        for instrument in instruments.CATALOGUE.values()
        if code in {instrument.loinc_total, instrument.loinc_panel}
        or any(item.loinc == code for item in instrument.items)
    ]


def _response_code(system: str, code: str) -> Q | None:
    if system not in ("", LOINC):
        return None
    return Q(instrument__in=_instruments_coded(code))


def _condition_code(system: str, code: str) -> Q | None:
    if system not in ("", diagnoses.CODE_SYSTEM_URI):
        return None
    return Q(code=code)


def _episode_base(model: type[Model], *related: str) -> Callable[[Clinic], Any]:
    def base(clinic: Clinic) -> Any:
        return model.objects.filter(clinic=clinic).select_related(*related)

    return base


def _responses(clinic: Clinic) -> Any:
    # Responses about a client (not pre-client self-screens), with their correction.
    return (
        Response.objects.filter(clinic=clinic, client__isnull=False)
        .select_related("client", "entered_by", "corrected_by")
        .defer("correction_reason")
    )


def _observations(clinic: Clinic) -> Any:
    # Scores stand only for responses that no correction replaced.
    return _responses(clinic).filter(corrected_by__isnull=True)


def _practitioners(clinic: Clinic) -> Any:
    return User.objects.filter(clinic=clinic).distinct()


def _appointments(clinic: Clinic) -> Any:
    return Appointment.objects.filter(clinic=clinic, client__isnull=False).select_related(
        "client", "therapist"
    )


def _episodes(clinic: Clinic) -> Any:
    return (
        Episode.objects.filter(clinic=clinic)
        .select_related("client", "therapist")
        .prefetch_related(Prefetch("diagnoses", queryset=EpisodeDiagnosis.objects.current()))
        .defer("close_note")
    )


def _encounters(clinic: Clinic) -> Any:
    # Held sessions only; none of the note's text columns is read.
    return (
        SessionNote.objects.filter(clinic=clinic, attendance=SessionAttendance.ATTENDED)
        .select_related("episode__client", "author")
        .only(
            "public_id",
            "clinic_id",
            "number",
            "held_on",
            "saved_at",
            "attendance",
            "episode__public_id",
            "episode__client__public_id",
            "author__public_id",
        )
    )


def _care_plans(clinic: Clinic) -> Any:
    return (
        MaintenancePlan.objects.filter(clinic=clinic)
        .select_related("episode__client", "updated_by")
        .prefetch_related("episode__goals")
    )


_ALL = [
    ResourceType(
        "Patient",
        build_patient,
        _episode_base(Client, "assigned_therapist"),
        "pk",
        date_field=None,
        updated_field="updated_at",
        columns=PATIENT_COLUMNS,
        from_row=patient_resource,
    ),
    ResourceType("Practitioner", build_practitioner, _practitioners, None),
    ResourceType(
        "EpisodeOfCare",
        build_episode_of_care,
        _episodes,
        "client",
        date_field="started_on",
        updated_field="created_at",
        columns=EPISODE_COLUMNS,
        from_row=episode_of_care_resource,
        attach=_attach_diagnoses,
    ),
    ResourceType(
        "Encounter",
        build_encounter,
        _encounters,
        "episode__client",
        date_field="held_on",
        updated_field="saved_at",
        columns=ENCOUNTER_COLUMNS,
        from_row=encounter_resource,
    ),
    ResourceType(
        "Appointment",
        build_appointment,
        _appointments,
        "client",
        date_field="starts_at",
        updated_field="created_at",
        columns=APPOINTMENT_COLUMNS,
        from_row=appointment_resource,
    ),
    ResourceType(
        "Condition",
        build_condition,
        _episode_base(EpisodeDiagnosis, "episode__client", "recorded_by"),
        "episode__client",
        date_field="diagnosed_on",
        updated_field="recorded_at",
        code_filter=_condition_code,
        columns=CONDITION_COLUMNS,
        from_row=condition_resource,
    ),
    QuestionnaireType("Questionnaire", build_questionnaire, _questionnaires, None),
    ResourceType(
        "QuestionnaireResponse",
        build_questionnaire_response,
        _responses,
        "client",
        date_field="submitted_at",
        updated_field="submitted_at",
        code_filter=_response_code,
        columns=QR_COLUMNS,
        from_row=questionnaire_response_resource,
    ),
    ResourceType(
        "Observation",
        build_observation,
        _observations,
        "client",
        date_field="submitted_at",
        updated_field="submitted_at",
        code_filter=_response_code,
        columns=OBSERVATION_COLUMNS,
        from_row=observation_resource,
    ),
    ResourceType(
        "CarePlan",
        build_care_plan,
        _care_plans,
        "episode__client",
        updated_field="updated_at",
        columns=CAREPLAN_COLUMNS,
        from_row=care_plan_resource,
        attach=_attach_goals,
    ),
    ResourceType(
        "Goal",
        build_goal,
        _episode_base(Goal, "episode__client"),
        "episode__client",
        columns=GOAL_COLUMNS,
        from_row=goal_resource,
    ),
]

REGISTRY: dict[str, ResourceType] = {resource_type.name: resource_type for resource_type in _ALL}
RESOURCES = REGISTRY
