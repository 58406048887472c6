"""The IPT phases of an episode as spans of dates, for shading the outcome charts (§1.2).

measures draws the spans and never imports ipt: the episode's measures tab passes
them to ``charts.build``, and the client's clinical tab asks through
``charts.phase_source``, which this module answers.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.db.models import Max, Min

from rapport.ipt.catalogue import Phase
from rapport.ipt.models import Episode, SessionNote
from rapport.measures import charts

SHADED = (Phase.INITIAL, Phase.MIDDLE, Phase.TERMINATION, Phase.MAINTENANCE)
LAST_SPAN = timedelta(days=7)  # the last phase runs a session's week past its last note


def spans(notes: Any) -> list[charts.PhaseSpan]:
    """From the notes' phases and dates (one query): each phase from its first session
    until the next phase's first; the last a week past its last session."""
    rows = list(
        notes.filter(phase__in=SHADED)
        .values("phase")
        .annotate(start=Min("held_on"), end=Max("held_on"))
        .order_by("start")
    )
    found = []
    for index, row in enumerate(rows):
        end = rows[index + 1]["start"] if index + 1 < len(rows) else row["end"] + LAST_SPAN
        label = str(Phase(row["phase"]).label)
        found.append(charts.PhaseSpan(row["phase"], label, row["start"], end))
    return found


def for_episode(episode: Episode) -> list[charts.PhaseSpan]:
    return spans(SessionNote.objects.filter(episode=episode))


@charts.phase_source
def for_context(client: Any, context_id: uuid.UUID | None) -> list[charts.PhaseSpan]:
    """The phases of the client's episode that a measure's responses belong to."""
    if context_id is None:
        return []
    return spans(SessionNote.objects.filter(episode__client=client, episode__public_id=context_id))
