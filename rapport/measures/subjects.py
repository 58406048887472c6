"""Who a person is on measures' pages before they are a client (measures knows only a subject id).

The app that gave the subject id (intake: the consultation request's public id)
registers a ``describer``: given a user and a subject id, the page that person's
record is on and a label for the link, or None when the user may not open it.
So measures links to the request without importing the app above (DESIGN.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

Describer = Callable[[Any, uuid.UUID], tuple[str, str] | None]
_describers: list[Describer] = []


def describer(function: Describer) -> Describer:
    _describers.append(function)
    return function


def link_for(user: Any, subject_id: uuid.UUID | None) -> tuple[str, str] | None:
    """(url, label) of the subject's page for this user, or None."""
    if subject_id is None:
        return None
    for function in _describers:
        found = function(user, subject_id)
        if found is not None:
            return found
    return None
