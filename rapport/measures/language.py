"""The language a questionnaire link opens in: the client's stored preference."""

from __future__ import annotations

from django.http import HttpRequest

from rapport.clients.language import supported
from rapport.measures.invitations import hash_token
from rapport.measures.models import Invitation


def link_language(request: HttpRequest, token: str) -> str | None:
    """The preferred language of the client a link belongs to (None: no such link)."""
    found = (
        Invitation.objects.filter(token_hash=hash_token(token))
        .values_list("client__preferred_language", flat=True)
        .first()
    )
    return supported(found) if found else None
