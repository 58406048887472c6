"""The clinic's audit log, newest first, paged by keyset.

A clinic's log grows by every read, so the page never counts it or skips an
OFFSET through it: ``?before=<id>`` shows the entries older than one entry and
``?after=<id>`` those newer, each one indexed range scan (``audit_newest``). The
cursor is an entry's row number, which says nothing about anyone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.core.forms import AuditFilterForm
from rapport.core.hooks import audit_subject_choices
from rapport.core.inputs import parse_query_int
from rapport.core.models import AuditEvent, User

PAGE_SIZE = 50


@dataclass(frozen=True)
class KeysetPage:
    """One page of events, newest first, and the cursors of its neighbours."""

    events: list[AuditEvent]
    newer: int | None  # ``after=`` for the page of newer entries
    older: int | None  # ``before=`` for the page of older entries
    newest: bool  # this is the first page


@requires(Capability.VIEW_AUDIT)
def audit_log(request: HttpRequest) -> HttpResponse:
    clinic = request.user.clinic
    staff = User.objects.filter(clinic=clinic).order_by("last_name", "first_name")
    clients = audit_subject_choices(request.user)
    form = AuditFilterForm(request.GET or None, staff=staff, clients=clients)
    events = AuditEvent.objects.filter(clinic=clinic).select_related("actor")
    if form.is_valid():
        if form.cleaned_data["actor"]:
            events = events.filter(actor=form.cleaned_data["actor"])
        if form.cleaned_data["client"]:
            events = events.filter(subject_id=form.cleaned_data["client"])
    page = keyset_page(events, _cursor(request, "before"), _cursor(request, "after"))
    audit.record(request, "core.audit.viewed", fields=[k for k, v in request.GET.items() if v])
    names = dict(clients)
    rows = [(event, names.get(str(event.subject_id), "")) for event in page.events]
    return render(
        request,
        "core/audit_log.html",
        {"form": form, "page": page, "rows": rows, "querystring": _filters(request)},
    )


def keyset_page(events: QuerySet, before: int | None, after: int | None) -> KeysetPage:
    """PAGE_SIZE events older than ``before``, newer than ``after``, or the newest."""
    if after is not None:
        found = list(events.filter(pk__gt=after).order_by("pk")[: PAGE_SIZE + 1])
        if len(found) <= PAGE_SIZE:  # back at the top: the newest page, full
            return keyset_page(events, None, None)
        return _page(found[:PAGE_SIZE][::-1], newer=True, older=True)
    if before is not None:
        events = events.filter(pk__lt=before)
    found = list(events.order_by("-pk")[: PAGE_SIZE + 1])
    return _page(found[:PAGE_SIZE], newer=before is not None, older=len(found) > PAGE_SIZE)


def _page(shown: list[AuditEvent], *, newer: bool, older: bool) -> KeysetPage:
    return KeysetPage(
        events=shown,
        newer=shown[0].pk if newer and shown else None,
        older=shown[-1].pk if older and shown else None,
        newest=not (newer and shown),
    )


def _cursor(request: HttpRequest, name: str) -> int | None:
    return parse_query_int(request, name)


def _filters(request: HttpRequest) -> str:
    params = request.GET.copy()
    for cursor in ("before", "after", "page"):
        params.pop(cursor, None)
    return params.urlencode()
