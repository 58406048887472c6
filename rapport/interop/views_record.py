"""Staff's side of a client's full record: make it now, and review portal requests.

Making a record is reading the whole clinical record, so it takes what reading it
takes (the role table's clinical reach: the client's therapist, their supervisor);
a break-glass grant opens the record to read, not to take away. Releasing a copy
to the client is a decision on the record, so it takes the right to write in it.
"""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rapport.clients.models import Client
from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.interop import record, record_requests
from rapport.interop.record_models import RecordRequest

ZIP = "application/zip"


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason, as the client will read it"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("The client sees this in the portal."),
        error_messages={"required": gettext_lazy("Write the reason the client will read.")},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Write the reason the client will read."))
        return reason


def zip_response(content: bytes) -> HttpResponse:
    """A zip attachment under a name that says nothing about whose record it is."""
    response = HttpResponse(content, content_type=ZIP)
    response["Content-Disposition"] = f'attachment; filename="{record.ZIP_NAME}"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@requires(Capability.VIEW_CLINICAL)
def record_download(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    clients = Client.objects.visible_to(request.user, Capability.VIEW_CLINICAL, break_glass=False)
    client = get_object_or_404(clients.select_related("clinic"), public_id=public_id)
    content = record.build_zip(client)
    audit.record(request, "interop.record.generated", client, fields=record.PRINTED_FIELDS)
    return zip_response(content)


def _request_row(request: HttpRequest, public_id: uuid.UUID) -> RecordRequest:
    clients = Client.objects.visible_to(request.user, Capability.EDIT_CLINICAL, break_glass=False)
    found = RecordRequest.objects.filter(client__in=clients.values("pk")).select_related(
        "client", "client__clinic", "decided_by"
    )
    return get_object_or_404(found, public_id=public_id)


def _review_page(
    request: HttpRequest, row: RecordRequest, form: DeclineForm | None = None, status: int = 200
) -> HttpResponse:
    context = {"row": row, "client": row.client, "form": form or DeclineForm()}
    return render(request, "interop/record_request.html", context, status=status)


@requires(Capability.EDIT_CLINICAL)
def request_review(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    row = _request_row(request, public_id)
    return _review_page(request, row)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def request_release(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    row = _request_row(request, public_id)
    try:
        row = record_requests.release(row, request.user)
    except record_requests.AlreadyDecided:
        messages.error(request, _("This request was already decided."))
        return redirect("interop:record_request", row.public_id)
    audit.record(request, "interop.record.released", row, fields=record.PRINTED_FIELDS)
    messages.success(request, _("Released: the client can download the record in the portal."))
    return redirect("interop:record_request", row.public_id)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def request_decline(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    row = _request_row(request, public_id)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _review_page(request, row, form, status=400)
    try:
        row = record_requests.decline(row, request.user, form.cleaned_data["reason"])
    except record_requests.AlreadyDecided:
        messages.error(request, _("This request was already decided."))
        return redirect("interop:record_request", row.public_id)
    audit.record(request, "interop.record.declined", row, fields=["decline_reason"])
    messages.success(request, _("Declined: the client reads your reason in the portal."))
    return redirect("interop:record_request", row.public_id)
