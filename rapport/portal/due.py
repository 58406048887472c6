"""What the home page lists as due: each portal area registers a source.

``@due_source`` on ``(request, client) -> [DueItem]``; the home page asks every
source and lists what they return (questionnaires, the contract to acknowledge,
practice, paperwork to sign). A guardian's session asks only sources that declare
``guardian=True``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class DueItem:
    label: str  # plain words: "Answer this week's mood questionnaire"
    url: str
    kind: str  # "questionnaire", "contract", "practice", "paperwork", …


DueSource = Callable[[HttpRequest, Any], list[DueItem]]
_sources: list[tuple[DueSource, bool]] = []


def due_source(guardian: bool = False) -> Callable[[DueSource], DueSource]:
    def decorator(source: DueSource) -> DueSource:
        _sources.append((source, guardian))
        return source

    return decorator


def due_items(request: HttpRequest, client: Any, *, guardian: bool) -> list[DueItem]:
    return [
        item
        for source, for_guardian in _sources
        if for_guardian or not guardian
        for item in source(request, client)
    ]
