"""The full-record section of a client's clinical page: the download, and portal requests."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from rapport.clients.models import Client
from rapport.core.access import Capability
from rapport.core.hooks import client_panel
from rapport.interop.record_models import RecordRequest

LISTED = 10  # a client asks a handful of times at most; the panel stays bounded


@client_panel(order=106)
def full_record(request: HttpRequest, client: Any) -> tuple[str, dict[str, Any]] | None:
    user = request.user
    if (
        not Client.objects.visible_to(user, Capability.VIEW_CLINICAL, break_glass=False)
        .filter(pk=client.pk)
        .exists()
    ):
        return None  # a break-glass reader sees the record, not the way to take it away
    may_review = Client.objects.permits(user, Capability.EDIT_CLINICAL, client)
    requests = (
        RecordRequest.objects.filter(client=client)
        .defer("archive", "decline_reason")
        .order_by("-requested_at", "-pk")[:LISTED]
    )
    return "interop/panels/record.html", {"requests": list(requests), "may_review": may_review}
