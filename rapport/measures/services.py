"""Recording a response: score, store, raise safety alerts and outcome flags, atomically;
adopting a person's rows when they become a client."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone, translation

from rapport.clients.models import Client
from rapport.core import audit
from rapport.core.models import Clinic
from rapport.measures import engine, instruments
from rapport.measures.models import Invitation, MeasuresSettings, Response, SafetyAlert, SafetyPlan


@transaction.atomic
def record_response(
    *,
    client: Client | None = None,
    clinic: Clinic | None = None,
    subject_id: uuid.UUID | None = None,
    instrument_code: str,
    answers: dict[str, int],
    mode: str,
    entered_by: Any = None,
    invitation: Invitation | None = None,
    context_id: uuid.UUID | None = None,
    session_number: int | None = None,
    corrects: Response | None = None,
    correction_reason: str = "",
    submitted_at: datetime | None = None,
    completes: Response | None = None,
    allow_incomplete: bool = False,
    language: str | None = None,
) -> Response:
    """Store one response; raises engine.InvalidAnswers (nothing stored) on bad input.

    The safety alert is created in this same transaction (safety.md §5.1 step 2):
    a stored positive answer can never exist without its alert. ``submitted_at``
    defaults to now; data imports (and the demo) pass when it was really answered.

    ``allow_incomplete``: answers whose only problem is unanswered questions are
    stored as an incomplete response (no total, no band, never prorated) when they
    carry a safety answer not alerted on before, so the trigger fires (safety.md
    §5.1); otherwise InvalidAnswers, nothing stored. ``completes``: the incomplete
    response this one completes (or, still incomplete with a new safety answer,
    continues). It keeps the answers given there; an answer already alerted on there
    raises no second alert (see ``new_hits``).

    Before the person is a client (a self-screen with a consultation request), pass
    no client but the ``clinic`` and the ``subject_id`` the app above knows them by;
    ``adopt`` later gives the response its client.

    ``language``: the language the questions were shown in (default: the active one);
    the response records the form used (``instrument_version`` "1-es" for Spanish).
    """
    from rapport.measures import outcomes, safety  # the two halves of "what follows"

    if client is not None:
        clinic_id = client.clinic_id
    elif clinic is not None and subject_id is not None:
        clinic_id = clinic.pk
    else:
        raise TypeError("A response without a client needs its clinic and subject_id.")
    instrument = instruments.get(instrument_code)
    settings = MeasuresSettings.objects.filter(clinic_id=clinic_id).first()
    band_set = outcomes.thresholds(instrument, settings).band_set  # e.g. HRSD-17 convention
    worded = instrument.in_language(language or translation.get_language())
    # The stored band is the catalogue's own label, whatever language the client reads.
    with translation.override(None):
        result = engine.score(
            instrument, answers, band_set=band_set, allow_incomplete=allow_incomplete
        )
    if completes is not None:
        _check_continues(completes, instrument.code, answers, client)
    hits = new_hits(result, completes)
    if not result.complete and not hits:
        raise engine.InvalidAnswers.still_unanswered(result.unanswered)
    response = Response.objects.create(
        clinic_id=clinic_id,
        client=client,
        subject_id=subject_id,
        context_id=context_id,
        session_number=session_number,
        instrument=instrument.code,
        instrument_version=worded.form_version,
        answers=answers,
        total=result.total,
        band=result.band,
        mode=mode,
        entered_by=entered_by,
        invitation=invitation,
        corrects=corrects,
        correction_reason=correction_reason,
        complete=result.complete,
        completes=completes,
        submitted_at=submitted_at or timezone.now(),
    )
    safety.raise_alerts(response, replace(result, hits=hits))
    if response.complete:  # outcome rules read complete responses only
        outcomes.evaluate(response)
    return response


class AlreadyCompleted(Exception):
    """The incomplete response was completed meanwhile (from its link or in session)."""


def alerted_answers(response: Response | None) -> set[tuple[str, int]]:
    """(item, value) of the alerts on ``response`` and the incomplete responses it continues."""
    seen: set[tuple[str, int]] = set()
    while response is not None:
        seen |= set(response.alerts.values_list("item", "value"))
        response = response.completes
    return seen


def new_hits(result: engine.Result, completes: Response | None) -> tuple[engine.SafetyHit, ...]:
    """The safety answers that need an alert of their own.

    Completing an incomplete response repeats the answers given there, and one of
    them already raised its alert (open, or acknowledged after an assessment). The
    same answer again is not new information: a second alert would notify and
    escalate twice for one answer. A different value is new, and alerts.
    """
    alerted = alerted_answers(completes)
    return tuple(hit for hit in result.hits if (hit.item, hit.value) not in alerted)


def _check_continues(
    completes: Response, code: str, answers: dict[str, int], client: Client | None
) -> None:
    same_person = completes.client_id == (client.pk if client is not None else None)
    if completes.complete or completes.instrument != code or not same_person:
        raise ValueError("Only an incomplete response of the same questionnaire is completed.")
    if any(answers.get(key) != value for key, value in completes.answers.items()):
        raise ValueError("A completion keeps the answers given; a change is a correction.")
    if Response.objects.filter(completes=completes).exists():
        raise AlreadyCompleted


@dataclass(frozen=True)
class Adopted:
    """What ``adopt`` attached to the new client."""

    responses: int
    alerts: int
    safety_plans: int


@transaction.atomic
def adopt(
    subject_id: uuid.UUID, client: Client, context_id: uuid.UUID | None, *, by: Any = None
) -> Adopted:
    """Attach every row about a person (``subject_id``) to the client they have become.

    Runs in the caller's transaction (intake's Convert). Responses get the client and
    the episode (``context_id``) where they had none, so a self-screen becomes the
    episode's baseline and shows on the client's charts; safety plans get the client;
    open alerts pass from intake to the client's assigned therapist
    (``safety.hand_over``: never closed, escalation time unchanged). Only clientless
    rows of the client's clinic move. Every step is audited, by field name only.
    """
    from rapport.measures import safety

    mine = {"subject_id": subject_id, "clinic_id": client.clinic_id, "client__isnull": True}
    response_ids = list(Response.objects.filter(**mine).values_list("pk", flat=True))
    Response.objects.filter(pk__in=response_ids).attach_to_client(client, context_id)
    fields = ["client", "context_id"] if context_id is not None else ["client"]
    for response in Response.objects.filter(pk__in=response_ids).select_related("client"):
        audit.record(None, "measures.response.adopted", response, actor=by, fields=fields)

    plans = list(SafetyPlan.objects.filter(**mine))
    SafetyPlan.objects.filter(pk__in=[plan.pk for plan in plans]).update(client=client)
    for plan in plans:
        plan.client = client
        audit.record(None, "measures.safety_plan.adopted", plan, actor=by, fields=["client"])

    alerts = list(SafetyAlert.objects.select_for_update().filter(**mine).order_by("pk"))
    for alert in alerts:
        SafetyAlert.objects.filter(pk=alert.pk).update(client=client)
        alert.client = client
        audit.record(None, "measures.alert.adopted", alert, actor=by, fields=["client"])
        if alert.status == SafetyAlert.Status.OPEN:
            safety.hand_over(alert, client.assigned_therapist, by=by)
    return Adopted(len(response_ids), len(alerts), len(plans))
