"""Authorization rows for break-glass (rapport/clients/break_glass_views.py)."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from rapport.clients.models import BreakGlassGrant
from tests.authz import POST_ONLY, Row, outcomes


def grant(cast: SimpleNamespace) -> dict:
    """A grant the therapist opened on the colleague's client (admins review it)."""
    now = timezone.now()
    found = BreakGlassGrant.objects.filter(user=cast.therapist).first()
    if found is None:
        found = BreakGlassGrant.objects.create(
            client=cast.colleague_client,
            user=cast.therapist,
            reason="Client phoned in crisis; their therapist is on leave.",
            opened_at=now,
            expires_at=now + timedelta(hours=4),
        )
    return {"public_id": found.public_id}


EXPECTED = {
    # Clinicians (any clinic's) may ask; intake and admins hold no clinical capability.
    "clients:break_glass": Row(outcomes(intake=403, admin=403)),
    # The review is the clinic admins'.
    "clients:break_glass_list": Row(outcomes(default=403, admin=200)),
    "clients:break_glass_review": Row(outcomes(default=403, admin=200), grant),
    "clients:break_glass_end": Row(POST_ONLY, grant),
}
