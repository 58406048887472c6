"""The episode's outcome charts and the note's scores, built from measures' public API.

ipt may import measures (DESIGN.md layering); measures knows the episode only by
its public id (``context_id``). The timeline's interpersonal events and the
session dates come from here, so the chart marks events on the session axis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import template

from rapport.core import audit
from rapport.ipt.models import Episode, SessionNote
from rapport.measures import charts, instruments, outcomes
from rapport.measures.models import OutcomeFlag, Response, ScheduledMeasure
from rapport.measures.views.charts import NOT_ON_TRACK, caseness, describe, thresholds

register = template.Library()


def _responses(episode: Episode) -> list[Response]:
    return list(
        Response.objects.filter(context_id=episode.public_id).order_by("submitted_at", "pk")
    )


def _flags(episode: Episode) -> list[dict[str, Any]]:
    flags = OutcomeFlag.objects.filter(context_id=episode.public_id, kind=NOT_ON_TRACK, active=True)
    return [describe(flag) for flag in flags]


@register.simple_tag(takes_context=True)
def episode_charts(context: template.Context, episode: Episode) -> dict[str, Any]:
    """Charts of every measure the episode has scores for, with timeline events marked.

    A fixed number of queries however many responses: responses, session dates,
    timeline events, thresholds, flags.
    """
    responses = _responses(episode)
    sessions = dict(episode.notes.values_list("number", "held_on"))
    events = [(e.occurred_on, e.title) for e in episode.timeline.all()]
    overrides = thresholds(episode.client.clinic_id)
    built = [
        charts.build(
            code,
            series,
            caseness=caseness(overrides, code),
            session_dates=sessions,
            events=events,
            chart_id=f"episode-{code}",
        )
        for code, series in charts.by_instrument(responses).items()
    ]
    request = context.get("request")
    if responses and request is not None:
        audit.record(request, "measures.outcomes.viewed", episode.client)
    return {"charts": built, "flags": _flags(episode)}


@dataclass
class Scores:
    """Baseline, previous and latest scores of one scheduled measure, with the outcome summary."""

    code: str
    title: str
    baseline: Response | None = None
    previous: Response | None = None
    latest: Response | None = None
    summary: list[str] = field(default_factory=list)


@register.simple_tag
def note_measures(note: SessionNote) -> dict[str, Any]:
    """What the note's "Measures completed before the session" slot shows.

    Scores count up to this note's session (later ones are not "before" it);
    baseline is the first score of the episode (measures.md §3).
    """
    episode = note.episode
    scheduled = list(
        ScheduledMeasure.objects.filter(context_id=episode.public_id, active=True).values_list(
            "instrument", flat=True
        )
    )
    series = charts.by_instrument(
        [
            r
            for r in _responses(episode)
            if r.session_number is None or r.session_number <= note.number
        ]
    )
    codes = sorted(
        (c for c in instruments.CATALOGUE if c in scheduled or c in series),
        key=charts.display_order,
    )
    overrides = thresholds(episode.client.clinic_id)
    measures = [_scores(code, series.get(code, []), overrides) for code in codes]
    return {
        # Nothing scored yet: the slot's empty state, not a table of dashes.
        "measures": measures if any(m.latest for m in measures) else [],
        "flags": _flags(episode),
    }


def _scores(code: str, series: list[Response], overrides: dict[str, Any]) -> Scores:
    scores = Scores(code, str(instruments.get(code).short_title))
    if not series:
        return scores
    scores.baseline, scores.latest = series[0], series[-1]
    scores.previous = series[-2] if len(series) > 1 else None
    if len(series) > 1:
        scores.summary = summarise(code, series[0].total, series[-1].total, overrides)
    return scores


def summarise(code: str, baseline: int, latest: int, overrides: dict[str, Any]) -> list[str]:
    """Change from baseline with its outcome labels, from the one place outcomes are computed."""
    return outcomes.summary_labels(code, baseline, latest, overrides)
