"""Recording a response: score, store, raise safety alerts and outcome flags, atomically."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.clients.models import Client
from rapport.measures import engine, instruments
from rapport.measures.models import Invitation, MeasuresSettings, Response


@transaction.atomic
def record_response(
    *,
    client: Client,
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
) -> Response:
    """Store one response; raises engine.InvalidAnswers (nothing stored) on bad input.

    The safety alert is created in this same transaction (safety.md §5.1 step 2):
    a stored positive answer can never exist without its alert. ``submitted_at``
    defaults to now; data imports (and the demo) pass when it was really answered.
    """
    from rapport.measures import outcomes, safety  # the two halves of "what follows"

    instrument = instruments.get(instrument_code)
    settings = MeasuresSettings.objects.filter(clinic_id=client.clinic_id).first()
    band_set = outcomes.thresholds(instrument, settings).band_set  # e.g. HRSD-17 convention
    result = engine.score(instrument, answers, band_set=band_set)
    response = Response.objects.create(
        clinic_id=client.clinic_id,
        client=client,
        context_id=context_id,
        session_number=session_number,
        instrument=instrument.code,
        instrument_version=instrument.version,
        answers=answers,
        total=result.total,
        band=result.band,
        mode=mode,
        entered_by=entered_by,
        invitation=invitation,
        corrects=corrects,
        correction_reason=correction_reason,
        submitted_at=submitted_at or timezone.now(),
    )
    safety.raise_alerts(response, result)
    outcomes.evaluate(response)
    return response
