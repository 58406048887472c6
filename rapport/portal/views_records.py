"""A copy of my record, in the portal: ask for it, see when it is due, download it once released.

The clinic reviews each request before release and must answer within 30 days
(HIPAA right of access, GDPR article 15). Only the client asks and downloads:
a guardian's account does not (``Capability.PORTAL_OWN``). Addresses carry the
request's random id only, and the file's name says nothing about whose it is.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rapport.core import audit
from rapport.core.access import Capability
from rapport.interop import record_requests
from rapport.interop.record_models import RecordRequest
from rapport.interop.views_record import zip_response
from rapport.portal.access import portal_client, portal_view

CAPABILITY = Capability.PORTAL_OWN
LISTED = 10


@portal_view(CAPABILITY)
def records(request: HttpRequest) -> HttpResponse:
    client = portal_client(request, CAPABILITY)
    if request.method == "POST":
        row, new = record_requests.ask(client, request.user)
        if new:
            audit.record(request, "interop.record.requested", row)
            messages.success(
                request,
                _("Your request is sent. The clinic will answer by %(due)s.")
                % {"due": date_format(row.due_on, "j F Y")},
            )
        else:
            messages.info(request, _("You have already asked: the clinic is reviewing it."))
        return redirect("portal:records")
    rows = list(
        RecordRequest.objects.filter(client=client)
        .defer("archive")
        .order_by("-requested_at", "-pk")[:LISTED]
    )
    audit.record(request, "interop.record.listed", client)
    waiting = any(row.status == RecordRequest.Status.REQUESTED for row in rows)
    return render(request, "portal/records/list.html", {"rows": rows, "waiting": waiting})


@portal_view(CAPABILITY)
def record_file(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    client = portal_client(request, CAPABILITY)
    row = get_object_or_404(RecordRequest.objects.filter(client=client), public_id=public_id)
    if not row.is_available:
        raise Http404
    RecordRequest.objects.filter(pk=row.pk, downloaded_at__isnull=True).update(
        downloaded_at=timezone.now()
    )
    audit.record(request, "interop.record.downloaded", row)
    return zip_response(record_requests.archive_bytes(row))
