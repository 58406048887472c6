"""The note's scores, built from measures' public API (the episode's charts are built by
the measures tab's view, ``rapport.ipt.views.measures.episode_charts``).

ipt may import measures (DESIGN.md layering); measures knows the episode only by
its public id (``context_id``).
"""

from __future__ import annotations

from typing import Any

from django import template

from rapport.ipt import note_measures as slot
from rapport.ipt.models import SessionNote

register = template.Library()


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
