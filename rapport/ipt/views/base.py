"""How every IPT view reaches an episode: through the access layer, audited."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from rapport.clients.models import Client
from rapport.core.access import Capability
from rapport.core.fields import encrypted_names
from rapport.ipt.catalogue import Phase
from rapport.ipt.models import Contract, Episode

# The free text of an episode and its client: deferred where a page shows none of it.
EPISODE_TEXT = [*encrypted_names(Episode), *(f"client__{name}" for name in encrypted_names(Client))]


def get_episode(
    request: HttpRequest,
    public_id: uuid.UUID,
    capability: Capability = Capability.VIEW_CLINICAL,
    *,
    allow_closed: bool = False,
    without_text: bool = False,
) -> Episode:
    """The episode if the user may use ``capability`` on its client; 404 otherwise.

    A closed episode is read-only: asking to write in one is refused (403) unless
    the view handles closed episodes itself (``allow_closed``). Pages that show none
    of the episode's or client's free text ask ``without_text``, so none is decrypted.
    """
    queryset = Episode.objects.visible_to(request.user, capability).select_related(
        "client", "client__clinic", "therapist"
    )
    if without_text:
        queryset = queryset.defer(*EPISODE_TEXT)
    episode = get_object_or_404(queryset, public_id=public_id)
    if (
        capability == Capability.EDIT_CLINICAL
        and episode.status == Episode.Status.CLOSED
        and not allow_closed
    ):
        raise PermissionDenied(_("This episode is closed: its record can no longer be changed."))
    return episode


def can_edit(request: HttpRequest, episode: Episode) -> bool:
    """Whether the user may write in this episode (its client's therapist)."""
    return (
        Episode.objects.visible_to(request.user, Capability.EDIT_CLINICAL)
        .filter(pk=episode.pk)
        .exists()
    )


def episode_context(request: HttpRequest, episode: Episode, section: str, **extra: Any) -> dict:
    """What the shared episode layout (ipt/episode_base.html) needs."""
    # Every tab runs this: a count and the latest contract's numbers, never its text.
    contract = episode.contracts.defer(*encrypted_names(Contract)).order_by("-version").first()
    held = episode.sessions_held()
    # The next session's phase, from what was just read (no second contract lookup).
    phase = episode.phase_for_session(held + 1, contract.planned_sessions if contract else None)
    return {
        "episode": episode,
        "client": episode.client,
        "section": section,
        "contract": contract,
        "sessions_held": held,
        "phase": phase,
        "phase_label": Phase(phase).label,
        "can_edit": can_edit(request, episode),
        **extra,
    }
