"""The clinic's audit log, newest first, paged by keyset; its filtered rows as CSV.

A clinic's log grows by every read, so the page never counts it or skips an
OFFSET through it: ``?before=<id>`` shows the entries older than one entry and
``?after=<id>`` those newer, each one indexed range scan (``audit_newest``, or
the index of the one filter set: ``audit_by_actor``, ``audit_by_action``,
``audit_by_subject``). A date range becomes id bounds first (``audit_at``):
events are inserted in time order, so the ids of a day are one range. The
cursor is an entry's row number, which says nothing about anyone.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.core.audit_names import event_name, object_name
from rapport.core.forms import AuditFilterForm
from rapport.core.hooks import audit_subject_choices
from rapport.core.inputs import parse_query_int
from rapport.core.models import AuditChain, AuditEvent, User

PAGE_SIZE = 50
# ``at`` is taken just before the row gets its id: two requests racing there differ
# by far less than this.
_EDGE = dt.timedelta(seconds=5)
EXPORT_CHUNK = 2000


@dataclass(frozen=True)
class KeysetPage:
    """One page of events, newest first, and the cursors of its neighbours."""

    events: list[AuditEvent]
    newer: int | None  # ``after=`` for the page of newer entries
    older: int | None  # ``before=`` for the page of older entries
    newest: bool  # this is the first page


@dataclass(frozen=True)
class Row:
    event: AuditEvent
    name: str  # the event in words
    client: str  # the client's name, when the reader may see that client
    object: str


@dataclass(frozen=True)
class ChainStatus:
    """Where sealing and the last clean verification stand (read, never recomputed here)."""

    sealed: int
    sealed_at: dt.datetime | None
    verified: int
    verified_at: dt.datetime | None
    unsealed: int

    @property
    def unverified(self) -> int:
        return self.sealed - self.verified


@requires(Capability.VIEW_AUDIT)
def audit_log(request: HttpRequest) -> HttpResponse:
    form, clients = _filter_form(request)
    events = filtered(request, form)
    page = keyset_page(events, _cursor(request, "before"), _cursor(request, "after"))
    audit.record(request, "core.audit.viewed", fields=[k for k, v in request.GET.items() if v])
    names = dict(clients)
    rows = [_row(event, names) for event in page.events]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "querystring": _filters(request),
        "chain": chain_status(request.user.clinic_id),
        "zone": timezone.get_current_timezone_name(),
    }
    return render(request, "core/audit_log.html", context)


@requires(Capability.VIEW_AUDIT)
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered rows as CSV, streamed oldest first; the export is itself audited."""
    form, clients = _filter_form(request)
    if request.GET and not form.is_valid():
        return audit_log(request)  # the page explains the filter that is wrong
    events = filtered(request, form).order_by("pk")
    audit.record(request, "core.audit.exported", fields=[k for k, v in request.GET.items() if v])
    zone = timezone.get_current_timezone()
    rows = _csv_rows(events, dict(clients), zone)
    response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response


def _filter_form(request: HttpRequest) -> tuple[AuditFilterForm, list[tuple[str, str]]]:
    staff = User.objects.filter(clinic=request.user.clinic).order_by("last_name", "first_name")
    clients = audit_subject_choices(request.user)  # only the clients the reader may see
    return AuditFilterForm(request.GET or None, staff=staff, clients=clients), clients


def filtered(request: HttpRequest, form: AuditFilterForm) -> QuerySet[AuditEvent]:
    """The reader's clinic's events, narrowed by every valid filter."""
    events = AuditEvent.objects.filter(clinic_id=request.user.clinic_id).select_related("actor")
    if not form.is_valid():
        return events
    data = form.cleaned_data
    if data["actor"]:
        events = events.filter(actor=data["actor"])
    if data["client"]:
        events = events.filter(subject_id=data["client"])
    if data["event"]:
        events = events.filter(action=data["event"])
    return _within(events, request.user.clinic_id, data["since"], data["until"])


def _within(
    events: QuerySet[AuditEvent], clinic_id: int, since: dt.date | None, until: dt.date | None
) -> QuerySet[AuditEvent]:
    """Events on ``since``..``until`` in the reader's zone, bounded by id for the index.

    The bounds are rows safely outside the range: a row stamped more than ``_EDGE``
    before the start was inserted before every row of the range, so its id is below
    theirs (and likewise after the end). The ``at`` filters keep the range exact.
    """
    zone = timezone.get_current_timezone()
    mine = AuditEvent.objects.filter(clinic_id=clinic_id).values_list("pk", flat=True)
    if since:
        start = dt.datetime.combine(since, dt.time.min, tzinfo=zone)
        events = events.filter(at__gte=start)
        below = mine.filter(at__lt=start - _EDGE).order_by("-at").first()
        if below is not None:
            events = events.filter(pk__gt=below)
    if until:
        end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        events = events.filter(at__lt=end)
        above = mine.filter(at__gte=end + _EDGE).order_by("at").first()
        if above is not None:
            events = events.filter(pk__lt=above)
    return events


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


def chain_status(clinic_id: int | None) -> ChainStatus:
    """The chain's head and last clean verification, as the worker and verify_audit left them."""
    chain = AuditChain.objects.filter(chain=clinic_id or 0).first()
    unsealed = AuditEvent.objects.unsealed().filter(clinic_id=clinic_id).count()
    if chain is None:
        return ChainStatus(0, None, 0, None, unsealed)
    return ChainStatus(
        chain.head_seq, chain.sealed_at, chain.checkpoint_seq, chain.checkpoint_at, unsealed
    )


def _row(event: AuditEvent, names: dict[str, str]) -> Row:
    return Row(
        event=event,
        name=event_name(event.action),
        client=names.get(str(event.subject_id), "") if event.subject_id else "",
        object=object_name(event.object_type) if event.object_type else "",
    )


_HEADER = [
    "time",
    "time zone",
    "event",
    "event code",
    "staff member",
    "client",
    "object",
    "object id",
    "fields",
    "address",
]


def _csv_rows(
    events: QuerySet[AuditEvent], names: dict[str, str], zone: dt.tzinfo
) -> Iterator[list[str]]:
    yield _HEADER
    zone_name = str(zone)
    for event in events.iterator(chunk_size=EXPORT_CHUNK):
        row = _row(event, names)
        yield [
            timezone.localtime(event.at, zone).strftime("%Y-%m-%d %H:%M:%S"),
            zone_name,
            row.name,
            event.action,
            str(event.actor or ""),
            row.client,
            row.object,
            event.object_id,
            "; ".join(event.fields or []),
            event.address or "",
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: Iterator[list[str]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow([_inert(cell) for cell in row])


def _inert(cell: Any) -> str:
    """A spreadsheet must not run a cell as a formula (CSV injection)."""
    text = str(cell)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _cursor(request: HttpRequest, name: str) -> int | None:
    return parse_query_int(request, name)


def _filters(request: HttpRequest) -> str:
    params = request.GET.copy()
    for cursor in ("before", "after", "page"):
        params.pop(cursor, None)
    return params.urlencode()
