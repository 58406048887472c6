from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.core.forms import AuditFilterForm
from rapport.core.hooks import audit_subject_choices
from rapport.core.models import AuditEvent, User

PAGE_SIZE = 50


@requires(Capability.VIEW_AUDIT)
def audit_log(request: HttpRequest) -> HttpResponse:
    clinic = request.user.clinic
    staff = User.objects.filter(clinic=clinic).order_by("last_name", "first_name")
    clients = audit_subject_choices(request.user)
    form = AuditFilterForm(request.GET or None, staff=staff, clients=clients)
    events = AuditEvent.objects.filter(clinic=clinic).select_related("actor").order_by("-pk")
    if form.is_valid():
        if form.cleaned_data["actor"]:
            events = events.filter(actor=form.cleaned_data["actor"])
        if form.cleaned_data["client"]:
            events = events.filter(subject_id=form.cleaned_data["client"])
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(request, "core.audit.viewed", fields=[k for k, v in request.GET.items() if v])
    names = dict(clients)
    rows = [(event, names.get(str(event.subject_id), "")) for event in page]
    return render(
        request,
        "core/audit_log.html",
        {"form": form, "page": page, "rows": rows, "querystring": _without_page(request)},
    )


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
