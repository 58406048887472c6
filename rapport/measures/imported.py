"""Responses brought in from earlier records (issue 13): scored by the one engine, stored
marked as imported.

A stated total is never trusted: every imported response is scored here from its item
values, exactly as a response answered in Rapport would be. Two allowances for
historical data, both written down in docs/fhir.md:

* the unscored difficulty item may be missing (many records never kept it); every
  scored item must be there, so nothing is ever prorated (measures.md §2.2);
* a record that kept only a total may be imported as that total, checked against the
  instrument's range and banded by the engine; it carries no item answers, so the
  import preview says that its suicidality item is unknown.

Safety (safety.md §5.1): the live workflow is for an answer given *now*. An imported
answer given within ``RECENT`` (the two-week recall of the PHQ-9 and GAD-7) may still
describe today's risk, so it raises the usual alert, owned and escalated as always.
An older positive answer raises no alert (there is nobody to show crisis resources to,
and an alert for a year-old answer would escalate at once), but it never passes
silently: the importer confirms each one in the preview before anything is written,
and the response keeps its answers, so the item shows wherever it is read.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone, translation

from rapport.clients.models import Client
from rapport.measures import engine
from rapport.measures.instruments.base import Instrument
from rapport.measures.models import MeasuresSettings, Response

# An answer this recent may describe today's risk: the instruments' two-week recall.
RECENT = timedelta(days=14)


def score_imported(
    instrument: Instrument, answers: dict[str, int], total: int | None = None
) -> engine.Result:
    """The engine's result for imported answers, or for a total alone (``answers`` empty).

    Raises engine.InvalidAnswers as the engine does; a missing *unscored* item is the
    one problem forgiven.
    """
    if not answers:
        if total is None:
            raise engine.InvalidAnswers({engine.ALL_ITEMS: "Give the item values or a total."})
        if type(total) is not int or not 0 <= total <= instrument.max_total:
            raise engine.InvalidAnswers(
                {engine.ALL_ITEMS: f"The total must be 0 to {instrument.max_total}."}
            )
        return engine.Result(total=total, band=engine.band_for(instrument, total))
    try:
        return engine.score(instrument, answers)
    except engine.InvalidAnswers as invalid:
        unscored = {item.key for item in instrument.items if not item.scored}
        if not invalid.errors or not set(invalid.errors) <= (invalid.unanswered & unscored):
            raise
    total_now = engine.raw_total(instrument, answers)
    return engine.Result(
        total=total_now,
        band=engine.band_for(instrument, total_now),
        hits=engine.safety_hits(instrument, answers),
    )


def is_recent(submitted_at: datetime, now: datetime | None = None) -> bool:
    return (now or timezone.now()) - submitted_at <= RECENT


LOOK_UP = object()  # the clinic's settings are read here unless the caller has them


# No savepoint inside the caller's transaction (an import writes thousands of rows in
# one); a transaction of its own when called alone, so a response never lacks its alert.
@transaction.atomic(savepoint=False)
def record_imported(**row: Any) -> Response:
    """Store one imported response, scored afresh; a recent safety answer raises its alert.

    Takes ``imported_response``'s arguments. Raises engine.InvalidAnswers (nothing
    stored) when the answers cannot be scored.
    """
    from rapport.measures import safety

    response, result = imported_response(**row)
    response.save()
    if result.hits and is_recent(response.submitted_at):
        safety.raise_alerts(response, result)
    return response


def imported_response(
    *,
    client: Client,
    instrument: Instrument,
    answers: dict[str, int],
    total: int | None,
    submitted_at: datetime,
    entered_by: Any,
    import_id: uuid.UUID,
    source_detail: str,
    context_id: uuid.UUID | None = None,
    settings: Any = LOOK_UP,
    scored: engine.Result | None = None,
) -> tuple[Response, engine.Result]:
    """One imported response, not saved yet (``bulk_create`` many), and its result.

    ``scored``: ``score_imported``'s result for these answers already, as an import's
    preview made it (in the catalogue's language), so a row is scored once; only a
    clinic's own band set bands it again here. ``settings``: the clinic's
    MeasuresSettings (or None: it has none), read once by a caller storing many rows.
    The caller raises the alerts of a recent safety answer once the response is
    stored (``record_imported`` does).
    """
    from rapport.measures import outcomes

    if settings is LOOK_UP:
        settings = MeasuresSettings.objects.filter(clinic_id=client.clinic_id).first()
    band_set = outcomes.thresholds(instrument, settings).band_set
    with translation.override(None):  # the catalogue's own band label, as record_response
        result = scored if scored is not None else score_imported(instrument, answers, total)
        if result.total is not None and band_set:
            result = engine.Result(
                total=result.total,
                band=engine.band_for(instrument, result.total, band_set),
                hits=result.hits,
            )
    response = Response(
        clinic_id=client.clinic_id,
        client=client,
        context_id=context_id,
        instrument=instrument.code,
        instrument_version=instrument.version,
        answers=answers,
        total=result.total,
        band=result.band,
        mode=Response.Mode.IMPORTED,
        entered_by=entered_by,
        submitted_at=submitted_at,
        import_id=import_id,
        source_detail=source_detail[:80],
    )
    return response, result
