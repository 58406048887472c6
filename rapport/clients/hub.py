"""The header on every tab of a client's record: who the client is and where they stand.

Apps above ``clients`` add their facts with ``@header_part(order)`` on
``(request, client, clinical) -> (template, context) | None``. ``clinical`` says
whether the viewer may read this client's clinical record (the role table: intake
and admins may not), so a part shows scores or alert counts only when it is true.
Each part costs a fixed number of queries: the header never grows with history.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from rapport.core.access import Capability

Part = Callable[[HttpRequest, Any, bool], tuple[str, dict[str, Any]] | None]
_parts: list[tuple[int, Part]] = []


def header_part(order: int) -> Callable[[Part], Part]:
    def decorator(part: Part) -> Part:
        _parts.append((order, part))
        _parts.sort(key=lambda item: item[0])
        return part

    return decorator


def header(request: HttpRequest, client: Any) -> dict[str, Any]:
    """The header's context: the client's own facts, then each app's part."""
    user = request.user
    clinical = type(client).objects.permits(user, Capability.VIEW_CLINICAL, client)
    # Age counts in the clinic's calendar, whatever zone the viewer reads in.
    today = timezone.localdate(timezone=user.clinic.zone)
    rendered = (part(request, client, clinical) for _order, part in _parts)
    return {
        "client": client,
        "clinical": clinical,
        "age": client.age_on(today),
        "therapist": client.assigned_therapist,
        "parts": [item for item in rendered if item is not None],
    }
