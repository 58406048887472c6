from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from rapport.core import needs_action
from rapport.core.access import staff_required
from rapport.core.hooks import dashboard_panels


def home(request: HttpRequest) -> HttpResponse:
    return redirect("core:dashboard" if request.user.is_authenticated else "core:login")


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The staff start page: panels contributed by each app, in order."""
    needs_action.forget(request)  # the navigation's counts match the panels below
    return render(request, "core/dashboard.html", {"panels": dashboard_panels(request)})
