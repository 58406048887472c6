"""Responses written straight to the table for chart tests (no scoring side effects needed)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from rapport.measures import instruments
from rapport.measures.engine import band_for
from rapport.measures.models import OutcomeFlag, Response

START = datetime(2026, 9, 1, 9, tzinfo=UTC)


def add_response(
    client: Any,
    total: int,
    *,
    session: int | None = None,
    context_id: uuid.UUID | None = None,
    code: str = "phq9",
    corrects: Response | None = None,
    when: datetime | None = None,
) -> Response:
    instrument = instruments.get(code)
    return Response.objects.create(
        clinic_id=client.clinic_id,
        client=client,
        context_id=context_id,
        session_number=session,
        instrument=code,
        instrument_version=instrument.version,
        answers={},
        total=total,
        band=band_for(instrument, total),
        mode=Response.Mode.IN_SESSION,
        corrects=corrects,
        submitted_at=when or START + timedelta(weeks=(session or 1) - 1),
    )


def add_series(client: Any, totals: list[int], context_id: uuid.UUID, code: str = "phq9") -> list:
    return [
        add_response(client, total, session=n, context_id=context_id, code=code)
        for n, total in enumerate(totals, start=1)
    ]


def add_flag(response: Response, reasons: list[Any] | None = None) -> OutcomeFlag:
    return OutcomeFlag.objects.create(
        client=response.client,
        context_id=response.context_id or uuid.uuid4(),
        instrument=response.instrument,
        kind="not_on_track",
        rule_version="nottrack-rule-1",
        reasons=reasons or ["no reliable or 25 % improvement by session 4"],
        response=response,
        created_at=response.submitted_at,
    )


def add_history(
    client: Any, context_id: uuid.UUID | None, count: int, *, code: str = "phq9", first: int = 1
) -> list[Response]:
    """A long weekly history in one INSERT (sessions ``first``…), for page-cost tests."""
    instrument = instruments.get(code)
    rows = [
        Response(
            clinic_id=client.clinic_id,
            client=client,
            context_id=context_id,
            session_number=n,
            instrument=code,
            instrument_version=instrument.version,
            answers={},
            total=(n * 7) % (instrument.max_total + 1),
            band=band_for(instrument, (n * 7) % (instrument.max_total + 1)),
            mode=Response.Mode.IN_SESSION,
            submitted_at=START + timedelta(weeks=n - 1),
        )
        for n in range(first, first + count)
    ]
    return Response.objects.bulk_create(rows)
