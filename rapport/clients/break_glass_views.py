"""Break-glass pages: the clinician's request, and the clinic admins' review.

The request form names the client in full (given and family name, date of birth)
and asks for the reason before it says anything about the clinic's records: no
search, no partial match, and every answer, found or not, is audited.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rapport.clients import break_glass
from rapport.clients.models import BREAK_GLASS_DURATION, BreakGlassGrant, Client
from rapport.core import audit
from rapport.core.access import Capability, can, may_break_glass, requires
from rapport.core.fields import without_encrypted
from rapport.core.inputs import SaneDateField
from rapport.core.models import AuditEvent

REASON_MIN = 20
PAGE_SIZE = 50


class BreakGlassForm(forms.Form):
    """Who, exactly, and why: the client is named in full, never searched for."""

    given_name = forms.CharField(label=gettext_lazy("Client's given name"), max_length=100)
    family_name = forms.CharField(label=gettext_lazy("Client's family name"), max_length=100)
    date_of_birth = SaneDateField(
        label=gettext_lazy("Client's date of birth"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for emergency access"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Clinic admins read this. Say why it cannot wait for the client's own "
            "therapist; leave out clinical detail."
        ),
        error_messages={"required": gettext_lazy("Give the reason for emergency access.")},
    )

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if len(reason) < REASON_MIN:
            raise forms.ValidationError(
                gettext_lazy(
                    "Give the reason in at least %(n)d characters: what is the emergency?"
                ),
                params={"n": REASON_MIN},
            )
        return reason

    def matches(self, clinic_id: int) -> list[Client]:
        data = self.cleaned_data
        found = Client.objects.filter(
            clinic_id=clinic_id,
            archived_at__isnull=True,
            given_name__iexact=data["given_name"].strip(),
            family_name__iexact=data["family_name"].strip(),
            date_of_birth=data["date_of_birth"],
        )
        return list(without_encrypted(found)[:2])


@requires(Capability.VIEW_CLINICAL)
def break_glass_request(request: HttpRequest) -> HttpResponse:
    if not may_break_glass(request.user):
        raise Http404
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found = form.matches(request.user.clinic_id)
        if len(found) == 1:
            return _open(request, found[0], form.cleaned_data["reason"])
        _refuse(request, "no_match" if not found else "several_match")
        form.add_error(
            None,
            _("No client of this clinic has exactly that name and date of birth.")
            if not found
            else _("More than one client has that name and date of birth: ask a clinic admin."),
        )
    return render(
        request,
        "clients/break_glass/request.html",
        # This session's open grants (BreakGlassMiddleware loads them on GET).
        {"form": form, "hours": _hours(), "open_grants": getattr(request, "break_glass", [])},
    )


def _hours() -> int:
    return int(BREAK_GLASS_DURATION.total_seconds() // 3600)


def _open(request: HttpRequest, client: Client, reason: str) -> HttpResponse:
    if not break_glass.beyond_reach(request.user, client, Capability.VIEW_CLINICAL):
        messages.info(request, _("This client is already within your reach."))
        return redirect("clients:detail", public_id=client.public_id)
    grant = break_glass.open_grant(request, client, reason)
    messages.warning(
        request,
        _("Emergency access is open until %(time)s, for viewing only. Clinic admins were told.")
        % {"time": formats.time_format(timezone.localtime(grant.expires_at))},
    )
    return redirect("clients:detail", public_id=client.public_id)


def _refuse(request: HttpRequest, why: str) -> None:
    """A failed attempt is audited too (no name, no date): repeated probing shows."""
    audit.record(
        request, "clients.break_glass.refused", object_type="clients.breakglassgrant", fields=[why]
    )


@requires(Capability.VIEW_AUDIT)
def break_glass_list(request: HttpRequest) -> HttpResponse:
    grants = BreakGlassGrant.objects.filter(clinic_id=request.user.clinic_id).select_related(
        "user", "ended_by", "client"
    )
    grants = grants.defer(*_client_private_columns())
    page = Paginator(grants, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(request, "clients.break_glass.listed")
    return render(request, "clients/break_glass/list.html", {"page": page})


def _client_private_columns() -> list[str]:
    """The grant's client is shown by its opaque id only: load nothing else of it."""
    keep = {"id", "public_id", "clinic"}
    return [f"client__{f.name}" for f in Client._meta.concrete_fields if f.name not in keep]


def _grant(request: HttpRequest, public_id: uuid.UUID) -> BreakGlassGrant:
    grants = BreakGlassGrant.objects.filter(clinic_id=request.user.clinic_id)
    grants = grants.select_related("user", "ended_by", "client").defer(*_client_private_columns())
    return get_object_or_404(grants, public_id=public_id)


@requires(Capability.VIEW_AUDIT)
def break_glass_review(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    grant = _grant(request, public_id)
    audit.record(request, "clients.break_glass.reviewed", grant)
    views = AuditEvent.objects.filter(
        clinic_id=grant.clinic_id, action=break_glass.VIEW_ACTION, object_id=str(grant.public_id)
    ).order_by("-at")[:PAGE_SIZE]
    context: dict[str, Any] = {
        "grant": grant,
        "views": [(event.at, event.fields[0] if event.fields else "") for event in views],
        "can_end": can(request.user, Capability.MANAGE_CLINIC) and grant.is_open(),
    }
    return render(request, "clients/break_glass/review.html", context)


@require_POST
@requires(Capability.MANAGE_CLINIC)
def break_glass_end(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    grant = _grant(request, public_id)
    if break_glass.end_grant(request, grant):
        messages.success(request, _("Emergency access ended."))
    else:
        messages.info(request, _("This emergency access had already ended."))
    return redirect("clients:break_glass_review", public_id=grant.public_id)
