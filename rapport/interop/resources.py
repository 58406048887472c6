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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Model, Prefetch, Q
from django.utils import translation

from rapport.clients.models import Client
from rapport.core.models import Clinic, User
from rapport.interop import scope
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


@english
def build_patient(client: Client) -> dict[str, Any]:
    names = [{"use": "official", "family": client.family_name, "given": [client.given_name]}]
    if client.preferred_name:
        names.append(
            {"use": "usual", "family": client.family_name, "given": [client.preferred_name]}
        )
    telecom = []
    if client.email:
        telecom.append({"system": "email", "value": client.email})
    if client.phone:
        telecom.append({"system": "phone", "value": client.phone})
    therapist = client.assigned_therapist
    return drop_empty(
        {
            "resourceType": "Patient",
            "id": str(client.public_id),
            "meta": meta("Patient", client.updated_at),
            "identifier": uuid_identifier(client.public_id),
            "active": client.archived_at is None,
            "name": names,
            "telecom": telecom,
            "birthDate": day(client.date_of_birth),
            "communication": [
                {
                    "language": {
                        "coding": [{"system": "urn:ietf:bcp:47", "code": client.preferred_language}]
                    },
                    "preferred": True,
                }
            ],
            "generalPractitioner": [ref("Practitioner", therapist.public_id)] if therapist else [],
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


@english
def build_episode_of_care(episode: Episode) -> dict[str, Any]:
    current = [d for d in episode.diagnoses.all() if d.replaced_at is None]
    return drop_empty(
        {
            "resourceType": "EpisodeOfCare",
            "id": str(episode.public_id),
            "meta": meta("EpisodeOfCare", episode.created_at),
            "status": "active" if episode.status == Episode.Status.ACTIVE else "finished",
            "type": [
                {
                    "coding": [
                        {
                            "system": f"{RAPPORT}:episode-type",
                            "code": episode.episode_type,
                            "display": str(episode.get_episode_type_display()),
                        }
                    ],
                    "text": f"Interpersonal psychotherapy, {episode.get_episode_type_display()}",
                }
            ],
            "diagnosis": [
                {"condition": ref("Condition", d.public_id), "rank": d.rank}
                for d in sorted(current, key=lambda d: d.rank)
            ],
            "patient": ref("Patient", episode.client.public_id),
            "period": drop_empty({"start": day(episode.started_on), "end": day(episode.closed_on)}),
            "careManager": ref("Practitioner", episode.therapist.public_id),
        }
    )


# SNOMED CT 75516001 |Psychotherapy (regime/therapy)|: what every held session is.
PSYCHOTHERAPY = {"system": SNOMED, "code": "75516001", "display": "Psychotherapy"}


@english
def build_encounter(note: SessionNote) -> dict[str, Any]:
    """A held session: when, who, which course. Never the note's text."""
    episode = note.episode
    return {
        "resourceType": "Encounter",
        "id": str(note.public_id),
        "meta": meta("Encounter", note.saved_at),
        "identifier": uuid_identifier(note.public_id),
        "status": "finished",
        "class": {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": "AMB",
            "display": "ambulatory",
        },
        "type": [{"coding": [PSYCHOTHERAPY], "text": f"IPT session {note.number}"}],
        "subject": ref("Patient", episode.client.public_id),
        "episodeOfCare": [ref("EpisodeOfCare", episode.public_id)],
        "participant": [{"individual": ref("Practitioner", note.author.public_id)}],
        "period": {"start": day(note.held_on), "end": day(note.held_on)},
    }


APPOINTMENT_STATUS = {
    Appointment.Status.HELD: "pending",
    Appointment.Status.BOOKED: "booked",
    Appointment.Status.CANCELLED: "cancelled",
    Appointment.Status.LATE_CANCELLED: "cancelled",
    Appointment.Status.NO_SHOW: "noshow",
    Appointment.Status.ATTENDED: "fulfilled",
}


@english
def build_appointment(appointment: Appointment) -> dict[str, Any]:
    """When and with whom; never the video link (a credential to the call)."""
    minutes = int((appointment.ends_at - appointment.starts_at).total_seconds() // 60)
    return drop_empty(
        {
            "resourceType": "Appointment",
            "id": str(appointment.public_id),
            "meta": meta("Appointment", appointment.created_at),
            "status": APPOINTMENT_STATUS[appointment.status],
            "appointmentType": {
                "coding": [
                    {
                        "system": f"{RAPPORT}:appointment-kind",
                        "code": appointment.kind,
                        "display": str(appointment.get_kind_display()),
                    }
                ]
            },
            "start": instant(appointment.starts_at),
            "end": instant(appointment.ends_at),
            "minutesDuration": minutes if minutes > 0 else None,
            "created": day(appointment.created_at.date()),
            "participant": [
                {
                    "actor": ref("Patient", appointment.client.public_id),
                    "required": "required",
                    "status": "accepted",
                },
                {
                    "actor": ref("Practitioner", appointment.therapist.public_id),
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


@english
def build_condition(diagnosis: EpisodeDiagnosis) -> dict[str, Any]:
    """The working diagnosis; an earlier one stays, resolved, inactive or in error."""
    ended = diagnosis.replaced_at is not None
    in_error = ended and diagnosis.end_reason == "entered in error"
    if in_error:
        clinical = None
    elif not ended:
        clinical = "active"
    else:
        clinical = "resolved" if diagnosis.end_reason == "resolved" else "inactive"
    return drop_empty(
        {
            "resourceType": "Condition",
            "id": str(diagnosis.public_id),
            "meta": meta("Condition", diagnosis.replaced_at or diagnosis.recorded_at),
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
                        "version": diagnosis.code_system_version,
                        "code": diagnosis.code,
                        "display": diagnosis.title,
                    }
                ],
                "text": diagnosis.title,
            },
            "subject": ref("Patient", diagnosis.episode.client.public_id),
            "onsetDateTime": day(diagnosis.diagnosed_on),
            "abatementDateTime": instant(diagnosis.replaced_at) if clinical == "resolved" else None,
            "recordedDate": instant(diagnosis.recorded_at),
            "recorder": ref("Practitioner", diagnosis.recorded_by.public_id),
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


def _response_status(response: Response) -> str:
    if getattr(response, "corrected_by", None) is not None:
        return QR_STATUS_CORRECTED  # superseded by a correction
    if not response.complete:
        return "stopped"  # an early safety answer; completed by a later response
    return "amended" if response.corrects_id else "completed"


def _author(response: Response) -> dict[str, str]:
    if response.entered_by_id is not None:
        return ref("Practitioner", response.entered_by.public_id)
    return ref("Patient", response.client.public_id)


def _episode_ref(response: Response) -> dict[str, str] | None:
    episode_id = getattr(response, "episode_public_id", None)
    return ref("EpisodeOfCare", episode_id) if episode_id else None


@english
def build_questionnaire_response(response: Response) -> dict[str, Any]:
    """The answers, coded; the wording only where the instrument's licence allows."""
    instrument = instruments.as_answered(response.instrument, response.instrument_version)
    worded = instrument.licence != Licence.LICENSED
    answers = response.answers or {}
    items = []
    for item in instrument.items:
        if item.key not in answers or answers[item.key] is None:
            continue
        items.append(
            drop_empty(
                {
                    "linkId": item.key,
                    "text": str(item.text) if worded else None,
                    "answer": [
                        {"valueCoding": answer_coding(instrument, item, int(answers[item.key]))}
                    ],
                }
            )
        )
    if response.total is not None and instrument.has_total:
        items.append(
            {"linkId": "total", "text": "Total score", "answer": [{"valueInteger": response.total}]}
        )
    return drop_empty(
        {
            "resourceType": "QuestionnaireResponse",
            "id": str(response.public_id),
            "meta": meta("QuestionnaireResponse", response.submitted_at),
            "identifier": uuid_identifier(response.public_id)[0],
            "questionnaire": f"{questionnaire_url(instrument.code)}|{instrument.version}",
            "status": _response_status(response),
            "subject": ref("Patient", response.client.public_id),
            "authored": instant(response.submitted_at),
            "author": _author(response),
            "source": ref("Patient", response.client.public_id)
            if response.mode in (Response.Mode.REMOTE, Response.Mode.PORTAL)
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
    """A questionnaire's score: the total, with each LOINC-coded item answer as a component."""
    instrument = instruments.as_answered(response.instrument, response.instrument_version)
    answers = response.answers or {}
    components = [
        {
            "code": {"coding": _item_codes(item)},
            "valueCodeableConcept": {
                "coding": [answer_coding(instrument, item, int(answers[item.key]))]
            },
        }
        for item in instrument.items
        if item.loinc and answers.get(item.key) is not None
    ]
    total = response.total if response.complete else None
    interpretation = [{"text": str(response.band)}] if response.band and total is not None else []
    return drop_empty(
        {
            "resourceType": "Observation",
            "id": str(response.public_id),
            "meta": meta("Observation", response.submitted_at),
            "status": "final" if response.complete else "preliminary",
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
            "code": observation_code(instrument),
            "subject": ref("Patient", response.client.public_id),
            "effectiveDateTime": instant(response.submitted_at),
            "issued": instant(response.submitted_at),
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
            "derivedFrom": [ref("QuestionnaireResponse", response.public_id)],
            "component": components,
        }
    )


# --- the plan -------------------------------------------------------------------------

CAREPLAN_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/careplan-category"


@english
def build_care_plan(plan: MaintenancePlan) -> dict[str, Any]:
    """The maintenance plan the client takes away at the end of a course."""
    episode = plan.episode
    when = f"{plan.get_frequency_display()}" if plan.frequency else ""
    planned = f"{plan.planned_sessions} sessions planned" if plan.planned_sessions else ""
    summary = ", ".join(part for part in (str(plan.get_decision_display()), when, planned) if part)
    sections = [
        ("Gains", plan.gains),
        ("Early warning signs", plan.warning_signs),
        ("What helps", plan.coping_strategies),
        ("People to turn to", plan.supports),
        ("Remaining goals", plan.remaining_goals),
        ("Referred to", plan.referral_detail),
    ]
    notes = [f"{label}: {text}" for label, text in sections if text]
    return drop_empty(
        {
            "resourceType": "CarePlan",
            "id": str(plan.public_id),
            "meta": meta("CarePlan", plan.updated_at),
            "text": narrative("Maintenance plan", summary, *notes),
            "status": "active",
            "intent": "plan",
            "category": [{"coding": [{"system": CAREPLAN_CATEGORY, "code": "assess-plan"}]}],
            "title": "Maintenance plan",
            "description": summary,
            "subject": ref("Patient", episode.client.public_id),
            "period": {"start": day(episode.closed_on)} if episode.closed_on else None,
            "author": ref("Practitioner", plan.updated_by.public_id),
            "goal": [ref("Goal", goal.public_id) for goal in episode.goals.all()],
            "note": [{"text": text} for text in notes],
        }
    )


@english
def build_goal(goal: Goal) -> dict[str, Any]:
    return drop_empty(
        {
            "resourceType": "Goal",
            "id": str(goal.public_id),
            "meta": meta("Goal"),
            "lifecycleStatus": "completed" if goal.achieved else "active",
            "achievementStatus": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/goal-achievement",
                        "code": "achieved" if goal.achieved else "in-progress",
                    }
                ]
            },
            "category": [
                {
                    "coding": [
                        {
                            "system": f"{RAPPORT}:problem-area",
                            "code": goal.problem_area,
                            "display": str(goal.get_problem_area_display()),
                        }
                    ]
                }
            ],
            "description": {"text": goal.text or str(goal.get_problem_area_display())},
            "subject": ref("Patient", goal.episode.client.public_id),
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
    ),
    ResourceType("Practitioner", build_practitioner, _practitioners, None),
    ResourceType(
        "EpisodeOfCare",
        build_episode_of_care,
        _episodes,
        "client",
        date_field="started_on",
        updated_field="created_at",
    ),
    ResourceType(
        "Encounter",
        build_encounter,
        _encounters,
        "episode__client",
        date_field="held_on",
        updated_field="saved_at",
    ),
    ResourceType(
        "Appointment",
        build_appointment,
        _appointments,
        "client",
        date_field="starts_at",
        updated_field="created_at",
    ),
    ResourceType(
        "Condition",
        build_condition,
        _episode_base(EpisodeDiagnosis, "episode__client", "recorded_by"),
        "episode__client",
        date_field="diagnosed_on",
        updated_field="recorded_at",
        code_filter=_condition_code,
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
    ),
    ResourceType(
        "Observation",
        build_observation,
        _observations,
        "client",
        date_field="submitted_at",
        updated_field="submitted_at",
        code_filter=_response_code,
    ),
    ResourceType(
        "CarePlan",
        build_care_plan,
        _care_plans,
        "episode__client",
        updated_field="updated_at",
    ),
    ResourceType("Goal", build_goal, _episode_base(Goal, "episode__client"), "episode__client"),
]

REGISTRY: dict[str, ResourceType] = {resource_type.name: resource_type for resource_type in _ALL}
RESOURCES = REGISTRY
