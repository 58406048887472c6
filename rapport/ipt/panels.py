"""What the IPT app contributes to pages owned by lower apps."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from rapport.core.access import Capability
from rapport.core.hooks import client_panel
from rapport.ipt.models import Episode


@client_panel(order=100)
def episodes_panel(request: HttpRequest, client: Any) -> tuple[str, dict[str, Any]]:
    episodes = list(client.episodes.select_related("therapist"))
    may_start = (
        type(client)
        .objects.visible_to(request.user, Capability.EDIT_CLINICAL)
        .filter(pk=client.pk)
        .exists()
    )
    return "ipt/panels/client_episodes.html", {
        "client": client,
        "episodes": episodes,
        "can_start": may_start and not any(e.status == Episode.Status.ACTIVE for e in episodes),
    }
