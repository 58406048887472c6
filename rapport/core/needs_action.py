"""What needs the user's action, counted for the navigation's badges.

Higher apps register sources with ``core.hooks.needs_action_source``. Each page's
navigation shows the counts; they are computed at most once a minute per session
(kept in the session, which every page saves anyway), so the badges add no query
to most pages. The dashboard and any POST (signing a note, acknowledging an alert)
drop them, so the user's own actions show at once.
"""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest

from rapport.core.access import is_verified_staff
from rapport.core.hooks import needs_action_sources

SESSION_KEY = "rapport_needs_action"
FRESH_SECONDS = 60


def counts(request: HttpRequest) -> list[dict[str, Any]]:
    """``[{"kind", "count", "label"}]`` for the signed-in staff member, nonzero only."""
    user = request.user
    if not is_verified_staff(user) or not hasattr(request, "session"):
        return []
    kept = request.session.get(SESSION_KEY)
    if kept and 0 <= time.time() - kept["at"] < FRESH_SECONDS:
        return kept["items"]
    items = [
        {"kind": kind, "count": count, "label": str(label)}
        for source in needs_action_sources()
        for kind, count, label in source(user)
        if count
    ]
    request.session[SESSION_KEY] = {"at": time.time(), "items": items}
    return items


def forget(request: HttpRequest) -> None:
    """Count afresh on the next page."""
    if hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)
