"""Finding each row's client among the clients the importer may write for.

The scope is the access layer's, for writing clinical data (``EDIT_CLINICAL``, no
break-glass): a therapist's own clients. A client outside it, in this clinic or
another, is answered exactly as one that does not exist: "not found" reveals nothing.
Two queries whatever the number of rows: one by identifier, one by birth date.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from rapport.clients.models import Client
from rapport.core.access import Capability
from rapport.interop.imports.rows import ClientRef

NOT_FOUND = "No client of yours matches this identifier, or this name and date of birth."
AMBIGUOUS = (
    "More than one of your clients has this name and date of birth: "
    "use the client identifier instead."
)


def scope(user: Any) -> Any:
    return Client.objects.visible_to(user, Capability.EDIT_CLINICAL, break_glass=False)


def as_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(text).strip())
    except ValueError:
        return None


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


class ClientFinder:
    """Looks up every reference of an import at once, then answers row by row."""

    def __init__(self, user: Any, refs: Iterable[ClientRef]) -> None:
        refs = list(refs)
        ids = {found for ref in refs for text in ref.identifiers if (found := as_uuid(text))}
        births = {ref.date_of_birth for ref in refs if ref.by_name}
        clients = scope(user).select_related("clinic")
        self.by_id = {c.public_id: c for c in clients.filter(public_id__in=ids)} if ids else {}
        self.by_birth: dict[Any, list[Client]] = {}
        if births:
            for client in clients.filter(date_of_birth__in=births):
                self.by_birth.setdefault(client.date_of_birth, []).append(client)

    def find(self, ref: ClientRef) -> tuple[Client | None, str]:
        """The client, or None and the message to show."""
        for text in ref.identifiers:
            found = as_uuid(text)
            if found in self.by_id:
                return self.by_id[found], ""
        if ref.by_name:
            family, given = _fold(ref.family_name), _fold(ref.given_name)
            matches = [
                client
                for client in self.by_birth.get(ref.date_of_birth, [])
                if _fold(client.family_name) == family
                and given in {_fold(client.given_name), _fold(client.preferred_name)}
            ]
            if len(matches) == 1:
                return matches[0], ""
            if matches:
                return None, AMBIGUOUS
        return None, NOT_FOUND
