"""The public site's figures for clinic admins, and the form's start beacon."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from rapport.core.access import Capability, requires
from rapport.intake import site_figures as counting

PERIODS = (7, 30, 90)


@requires(Capability.MANAGE_CLINIC)
def site_figures(request: HttpRequest) -> HttpResponse:
    clinic = request.user.clinic
    days = request.GET.get("days", "30")
    days = int(days) if days in {str(p) for p in PERIODS} else 30
    until = timezone.localdate(timezone=clinic.zone)
    since = until - timedelta(days=days - 1)
    context = counting.figures(clinic, since, until) | {
        "period": days,
        "periods": PERIODS,
        "since": since,
        "until": until,
    }
    return render(request, "intake/figures/site_figures.html", context)


@require_POST
def form_started(request: HttpRequest) -> HttpResponse:
    """Count a consultation form started (its CSRF token is checked like any POST)."""
    clinic = counting.public_clinic()
    if clinic is not None and not request.user.is_authenticated:
        counting.count(clinic, counting.CONSULTATION, "starts")
    return HttpResponse(status=204)
