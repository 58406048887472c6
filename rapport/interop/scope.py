"""Whose clients an API key (or an export) reaches, by the access layer's own rules.

A key is not a person, so it acts through a stand-in user that holds the one role
whose reach matches the key's scope: a clinic key reaches every client of the clinic
as a clinic admin does (``Reach.CLINIC``); a caseload key reaches the clients assigned
to its practitioner as that therapist does (``Reach.ASSIGNED``). The stand-in is never
saved and opens no break-glass grant, so ``Client.objects.visible_to`` stays the one
place that decides.
"""

from __future__ import annotations

from typing import Any

from rapport.clients.models import Client
from rapport.core.access import Capability
from rapport.core.models import Clinic, Role, User


def stand_in(clinic: Clinic, practitioner: User | None = None) -> User:
    """An unsaved user with the reach of a clinic key, or of ``practitioner``'s caseload."""
    user = User(pk=practitioner.pk if practitioner else None, clinic=clinic, is_active=True)
    role = Role.THERAPIST if practitioner else Role.CLINIC_ADMIN
    user.__dict__["roles"] = frozenset({role})  # the cached property, set once
    user.is_verified = lambda: True  # no second factor: the key is the credential
    return user


def clients(clinic: Clinic, *, practitioner: User | None = None) -> Any:
    """The clients a key of this clinic and scope reads (archived clients excluded)."""
    return Client.objects.visible_to(
        stand_in(clinic, practitioner), Capability.VIEW_CLIENTS, break_glass=False
    )
