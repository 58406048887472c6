"""Reading an import's input into a preview, and writing a preview with no error.

``preview`` is all a page needs to show; ``commit`` reads the same input again,
checks it again (clients may have been reassigned, a response recorded since), and
writes every row or none, in one transaction, with its audit events: one for the
import (kind, row count, no content) and one per stored response, filed under its
client. Rows are scored once (by that preview) and inserted in batches
(``bulk_create``): a few queries per hundred rows, not a few per row.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from rapport.core import audit
from rapport.interop.imports import csv_scores, fhir_responses
from rapport.interop.imports.checking import Preview, check
from rapport.measures import safety
from rapport.measures.imported import imported_response, is_recent
from rapport.measures.models import MeasuresSettings, Response

CSV, FHIR = "csv", "fhir"
KINDS = (CSV, FHIR)


@dataclass
class Outcome:
    import_id: uuid.UUID
    responses: list[Response]
    alerts: int


def preview(user: Any, kind: str, text: str) -> Preview:
    if kind == CSV:
        candidates, errors = csv_scores.read(text)
        return check(user, candidates, errors)
    candidates, errors, _others = fhir_responses.read(text)
    return check(user, candidates, errors)


class NotValid(Exception):
    """The input no longer makes a preview without errors: nothing was written."""

    def __init__(self, checked: Preview) -> None:
        super().__init__(f"{len(checked.errors)} errors")
        self.preview = checked


def commit(request: HttpRequest, kind: str, text: str) -> Outcome:
    """Write every row of ``text`` or none; NotValid (with the fresh preview) if any row fails."""
    user = request.user
    import_id = uuid.uuid4()
    with transaction.atomic():
        checked = preview(user, kind, text)
        if not checked.ok:
            raise NotValid(checked)
        stored = store(checked, user, import_id)
        for response in stored:
            fields = ["answers"] if response.answers else ["total"]
            audit.record(request, "measures.response.imported", response, fields=fields)
        alerts = sum(1 for row in checked.rows if row.raises_alert)
        audit.record(
            request,
            "interop.import.committed",
            object_type=f"interop.import.{kind}",
            object_id=str(import_id),
            fields=["responses"],
        )
    return Outcome(import_id, stored, alerts)


def store(checked: Preview, user: Any, import_id: uuid.UUID) -> list[Response]:
    """Every previewed row as a response, in one INSERT per batch; then the alerts of
    recent safety answers, each raised as ``record_imported`` raises it."""
    # Read once: every client found is in the importer's clinic.
    settings = MeasuresSettings.objects.filter(clinic_id=user.clinic_id).first()
    made = [
        imported_response(
            client=row.client,
            instrument=row.instrument,
            answers=row.candidate.answers,
            total=row.candidate.stated_total if row.total_only else None,
            submitted_at=row.submitted_at,
            entered_by=user,
            import_id=import_id,
            source_detail=row.candidate.source,
            context_id=row.context_id,
            settings=settings,
            scored=row.result,  # scored once, by the preview just made
        )
        for row in checked.rows
    ]
    stored = Response.objects.bulk_create([response for response, _result in made], batch_size=500)
    for response, result in made:
        if result.hits and is_recent(response.submitted_at):
            safety.raise_alerts(response, result)
    return stored
