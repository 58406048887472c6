"""What a session note's "Measures completed before the session" slot shows (issue 8).

A signed note is a legal record: it shows what was true when it was signed. One
function, ``panel``, turns responses and advisories into plain JSON-ready data
(numbers, labels as text, dates as ISO strings on the clinic's calendar):

* a draft renders ``live(note)``: today's data, so it follows new scores;
* ``sign()`` stores ``snapshot(note)`` — that same live panel as JSON — in
  ``SessionNote.signed_snapshot``; the author's signature takes it, so a trainee's
  note awaiting co-signature already shows it and the co-signature keeps it;
* a locked note renders that stored copy forever after (``for_note``).

Notes signed before snapshots existed have none. They are never shown with
today's data: ``as_recorded`` rebuilds the slot from what had been submitted by
the end of the session day (clinic time) for this session or earlier, and the
advisory that stood then (see ``as_recorded``); the page says so.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from rapport.ipt.models import SessionNote
from rapport.measures import charts, instruments, outcomes
from rapport.measures.models import OutcomeFlag, Response, ScheduledMeasure
from rapport.measures.views.charts import NOT_ON_TRACK, describe, thresholds

SNAPSHOT_FORMAT = 1

# Where the slot's data comes from, for the page's wording.
LIVE = "live"
SIGNED = "signed"
AS_RECORDED = "as_recorded"


def for_note(note: SessionNote) -> dict[str, Any]:
    """The slot as the note page shows it: live for a draft, as signed once locked."""
    if not note.is_locked:
        return {"basis": LIVE, **live(note)}
    if note.signed_snapshot:
        return {"basis": SIGNED, **json.loads(note.signed_snapshot)}
    return {"basis": AS_RECORDED, "up_to": note.held_on.isoformat(), **as_recorded(note)}


def snapshot(note: SessionNote) -> str:
    """The live slot as JSON text, for ``SessionNote.signed_snapshot`` (encrypted at rest)."""
    return json.dumps({"format": SNAPSHOT_FORMAT, **live(note)}, ensure_ascii=False)


def snapshot_as_recorded(note: SessionNote) -> str:
    """The slot as the data stood on the session date, as snapshot JSON (for the demo,
    whose notes are made signed after the fact rather than signed on their day)."""
    return json.dumps({"format": SNAPSHOT_FORMAT, **as_recorded(note)}, ensure_ascii=False)


def live(note: SessionNote) -> dict[str, Any]:
    """Today's data: scores up to this note's session, the advisories active now.

    Scores count up to this note's session (later ones are not "before" it);
    remote answers without a session number count wherever they fall. Four
    queries, and only the scores shown are loaded, whatever the number of responses.
    """
    context_id = note.episode.public_id
    responses = Response.objects.filter(context_id=context_id).filter(
        Q(session_number__isnull=True) | Q(session_number__lte=note.number)
    )
    flags = OutcomeFlag.objects.filter(context_id=context_id, kind=NOT_ON_TRACK, active=True)
    return panel(note, shown(responses), flags)


def as_recorded(note: SessionNote) -> dict[str, Any]:
    """A note signed before snapshots: the slot as the data stood on its session date.

    Only responses submitted by the end of the session day (clinic time) and not
    for a later session: what was recorded up to the session, never today's data.
    (A correction made later is therefore left out, and the original it corrects
    shown.) The advisory is the one that stood then: the rule re-runs on every
    complete response and replaces the earlier flag, so the flag raised by each
    measure's last complete response up to that day (if any) was the active one —
    even if it has retired since. Four queries whatever the number of responses.
    """
    context_id = note.episode.public_id
    responses = Response.objects.filter(
        context_id=context_id, submitted_at__lt=session_day_end(note)
    ).filter(Q(session_number__isnull=True) | Q(session_number__lte=note.number))
    complete = responses.filter(complete=True)
    last = complete.exclude(Exists(after(complete).filter(instrument=OuterRef("instrument"))))
    flags = OutcomeFlag.objects.filter(
        context_id=context_id, kind=NOT_ON_TRACK, response_id__in=last.values("pk")
    )
    return panel(note, shown(responses), flags)


def since_signing(note: SessionNote) -> dict[str, Any]:
    """Latest scores recorded after the note's record ends, shown apart and labelled so.

    The record ends at signing for a note with a snapshot, else with its session
    day. One query, loading one score per measure.
    """
    if not note.is_locked:
        return {"measures": []}
    ends = note.signed_at if note.signed_snapshot else session_day_end(note)
    if ends is None:
        return {"measures": []}
    later = Response.objects.filter(context_id=note.episode.public_id, submitted_at__gte=ends)
    series = charts.by_instrument(shown(later, baseline=False, latest=1))
    zone = _zone(note)
    return {
        "basis": SIGNED if note.signed_snapshot else AS_RECORDED,
        "measures": [
            {"title": _title(code), "latest": _score(rows[-1], zone)}
            for code, rows in series.items()
        ],
    }


# What the slot reads of a response: never its answers or its correction's reason.
SLOT_FIELDS = (
    "instrument",
    "total",
    "band",
    "complete",
    "corrects_id",
    "session_number",
    "submitted_at",
)


def shown(responses: QuerySet, *, baseline: bool = True, latest: int = 2) -> list[Response]:
    """Per measure, the scores the slot shows, oldest first, picked in one query.

    The same as ``charts.by_instrument`` over all of ``responses`` keeps, but only
    its ends: the first score (``baseline``) and the last ``latest``. Scores in
    force as ``charts.current`` counts them: complete, scored, and not corrected
    by a response of the same set.
    """
    in_force = (
        responses.filter(
            complete=True, total__isnull=False, instrument__in=list(instruments.CATALOGUE)
        )
        .exclude(Exists(responses.filter(corrects_id=OuterRef("pk"))))
        .only(*SLOT_FIELDS)
    )
    by_code = [F("instrument")]
    oldest_first = [F("submitted_at").asc(), F("pk").asc()]
    newest_first = [F("submitted_at").desc(), F("pk").desc()]
    ranked = in_force.annotate(
        oldest=Window(RowNumber(), partition_by=by_code, order_by=oldest_first),
        newest=Window(RowNumber(), partition_by=by_code, order_by=newest_first),
    )
    wanted = Q(newest__lte=latest) | Q(oldest=1) if baseline else Q(newest__lte=latest)
    return list(ranked.filter(wanted).order_by("submitted_at", "pk"))


def after(responses: QuerySet) -> QuerySet:
    """Those of ``responses`` later than the outer query's row, in (time, id) order."""
    return responses.filter(
        Q(submitted_at__gt=OuterRef("submitted_at"))
        | Q(submitted_at=OuterRef("submitted_at"), pk__gt=OuterRef("pk"))
    )


def session_day_end(note: SessionNote) -> datetime:
    """Midnight after the session day, on the clinic's calendar."""
    return datetime.combine(note.held_on + timedelta(days=1), time.min, tzinfo=_zone(note))


def panel(
    note: SessionNote,
    responses: Sequence[Response],
    flags: Iterable[OutcomeFlag],
    *,
    scheduled: Iterable[str] | None = None,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The slot from the given responses and advisories, as JSON-ready data.

    Every scheduled measure has a row (empty until scored); baseline is the first
    score of the episode (measures.md §3). Two queries: the schedule, the clinic's
    thresholds (none when the caller passes ``scheduled`` and ``overrides``, as a
    bulk seeder of signed notes does).
    """
    episode = note.episode
    zone = _zone(note)
    if scheduled is None:
        scheduled = ScheduledMeasure.objects.filter(
            context_id=episode.public_id, active=True
        ).values_list("instrument", flat=True)
    scheduled = set(scheduled)
    series = charts.by_instrument(responses)
    codes = sorted(
        (code for code in instruments.CATALOGUE if code in scheduled or code in series),
        key=charts.display_order,
    )
    if overrides is None:
        overrides = thresholds(episode.client.clinic_id)
    measures = [_measure(code, series.get(code, []), overrides, zone) for code in codes]
    return {
        # Nothing scored yet: the slot's empty state, not a table of dashes.
        "measures": measures if any(m["latest"] for m in measures) else [],
        "flags": [_flag(flag, zone) for flag in flags],
    }


def _measure(
    code: str, series: Sequence[Response], overrides: dict[str, Any], zone: ZoneInfo
) -> dict[str, Any]:
    found: dict[str, Any] = {
        "code": code,
        "title": _title(code),
        "baseline": None,
        "previous": None,
        "latest": None,
        "summary": [],
    }
    if series:
        found["baseline"] = _score(series[0], zone)
        found["latest"] = _score(series[-1], zone)
    if len(series) > 1:
        found["previous"] = _score(series[-2], zone)
        labels = outcomes.summary_labels(code, series[0].total, series[-1].total, overrides)
        found["summary"] = [str(label) for label in labels]
    return found


def _score(response: Response, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "total": response.total,
        "band": str(response.band),
        "session": response.session_number,
        "on": response.submitted_at.astimezone(zone).date().isoformat(),
    }


def _flag(flag: OutcomeFlag, zone: ZoneInfo) -> dict[str, Any]:
    shown = describe(flag)
    return {
        "instrument": shown["instrument"],
        "reasons": shown["reasons"],
        "rule_version": flag.rule_version,
        "raised_on": flag.created_at.astimezone(zone).date().isoformat(),
    }


def _title(code: str) -> str:
    return str(instruments.get(code).short_title)


def _zone(note: SessionNote) -> ZoneInfo:
    # The clinic's calendar, so a legal record reads the same whoever signs or reads it.
    return note.episode.client.clinic.zone
