"""The episode's outcome charts and the note's scores, built from measures' public API.

ipt may import measures (DESIGN.md layering); measures knows the episode only by
its public id (``context_id``). The timeline's interpersonal events and the
session dates come from here, so the chart marks events on the session axis.
"""

from __future__ import annotations

from typing import Any

from django import template

from rapport.core import audit
from rapport.ipt import note_measures as slot
from rapport.ipt.models import Episode, SessionNote
from rapport.measures import charts
from rapport.measures.models import OutcomeFlag, Response
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


@register.simple_tag
def note_measures(note: SessionNote) -> dict[str, Any]:
    """What the note's "Measures completed before the session" slot shows.

    Live for a draft; for a signed note, what it showed when signed (issue 8).
    """
    return slot.for_note(note)


@register.simple_tag
def scores_since_signing(note: SessionNote) -> dict[str, Any]:
    """Latest scores recorded after a signed note's record ends, to show apart."""
    return slot.since_signing(note)
