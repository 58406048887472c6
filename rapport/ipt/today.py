"""The dashboard's Today panel: the viewer's appointments today, then the rest of the week.

Each row says who and when, and, for a viewer allowed to see the client's clinical
record, where the course stands (session x of y, phase), whether an alert is open or
measures were not returned, and one button to start that session's note.

Whose appointments (all through the access layer):
* a therapist: their own;
* an intake coordinator or a clinic admin: the clinic's, without clinical content;
* a supervisor without a caseload: their supervisees' clients'.

A fixed number of queries, however many appointments or clients (DESIGN.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rapport.clients.models import Client
from rapport.core import audit
from rapport.core.access import Capability, can
from rapport.core.fields import without_encrypted
from rapport.core.hooks import dashboard_panel, needs_action_source
from rapport.core.models import Role, Supervision
from rapport.ipt.catalogue import Phase
from rapport.ipt.models import CosignReview, Episode, SessionNote
from rapport.ipt.models.notes import LISTED
from rapport.ipt.panels import with_session_counts
from rapport.measures.models import Invitation, SafetyAlert
from rapport.scheduling.models import Appointment
from rapport.scheduling.timeutil import local_day_bounds

# Questionnaires sent before a session and not returned within this window count as
# overdue; older misses belong to the episode's measures page, not today's list.
MEASURES_WINDOW = dt.timedelta(days=14)


@dataclass
class Row:
    """One appointment as the viewer may see it."""

    appointment: Appointment
    start: dt.datetime  # in the viewer's zone
    end: dt.datetime
    label: str  # the client's name, or what the appointment is when there is no client
    client: Client | None
    therapist: str  # shown when the row is not the viewer's own appointment
    episode: Episode | None = None  # only when the viewer may see clinical content
    session: int | None = None
    planned: int | None = None
    phase: str = ""
    alert: bool = False
    measures_overdue: bool = False
    note: SessionNote | None = None  # that day's note, when written
    can_start: bool = False  # the viewer may start that session's note here


# After the safety-alert banner (10), before everything else: the day comes first.
@dashboard_panel(order=15)
def today_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    user = request.user
    scope = _scope(user)
    if scope is None:
        return None
    today = timezone.localdate()
    sunday = today + dt.timedelta(days=6 - today.weekday())
    rows = _rows(user, scope, today, sunday)
    if any(row.client is not None for row in rows):
        audit.record(request, "ipt.today.viewed")  # names, and for clinicians their course
    week: dict[dt.date, list[Row]] = {}
    for row in rows:
        if row.start.date() > today:
            week.setdefault(row.start.date(), []).append(row)
    return "ipt/panels/today.html", {
        "today": today,
        "today_rows": [row for row in rows if row.start.date() == today],
        "week": sorted(week.items()),
        "rest_of_week": today < sunday,
        "zone_name": timezone.get_current_timezone_name(),
        "own": Role.THERAPIST in user.roles,
        # The clinic's week is long: coordinators and admins get a count per day and
        # the clinic calendar, not every appointment of every therapist.
        "clinic_wide": Role.THERAPIST not in user.roles and can(user, Capability.ADD_CLIENT),
    }


def _scope(user: Any) -> Any:
    """The appointments the viewer's day is made of, or None for a role without one."""
    if Role.THERAPIST in user.roles:
        return _in_role(user, Capability.VIEW_CLIENTS).filter(therapist=user)
    if can(user, Capability.ADD_CLIENT):
        return _in_role(user, Capability.VIEW_CLIENTS)
    if Role.SUPERVISOR in user.roles:
        return _in_role(user, Capability.VIEW_CLINICAL)
    return None


def _in_role(user: Any, capability: Capability) -> Any:
    """Appointments as the role table draws them: a break-glass grant opens a client's
    own pages, never a dashboard (docs/security.md)."""
    drawn = Client.objects.visible_to(user, capability, break_glass=False)
    return Appointment.objects.visible_to(user, capability).filter(
        Q(client__isnull=True) | Q(client__in=drawn)
    )


def _rows(user: Any, scope: Any, first: dt.date, last: dt.date) -> list[Row]:
    zone = timezone.get_current_timezone_name()
    starts, _end = local_day_bounds(first, zone)
    _start, ends = local_day_bounds(last, zone)
    appointments = list(
        without_encrypted(
            scope.active().filter(starts_at__gte=starts, starts_at__lt=ends), "client"
        )
        .select_related("therapist")
        .order_by("starts_at", "pk")
    )
    rows = [_row(appointment, user) for appointment in appointments]
    client_ids = {row.client.pk for row in rows if row.client is not None}
    if client_ids:
        _add_clinical(user, rows, client_ids, first, last)
    return rows


def _row(appointment: Appointment, user: Any) -> Row:
    if appointment.client_id is not None:
        label = appointment.client.display_name
    else:
        label = _("Consultation request")
    therapist = appointment.therapist
    return Row(
        appointment=appointment,
        start=timezone.localtime(appointment.starts_at),
        end=timezone.localtime(appointment.ends_at),
        label=label,
        client=appointment.client if appointment.client_id else None,
        therapist=""
        if therapist.pk == user.pk
        else therapist.get_full_name() or therapist.username,
    )


def _add_clinical(
    user: Any, rows: list[Row], client_ids: set[int], first: dt.date, last: dt.date
) -> None:
    """Course, markers and note buttons for the rows whose client's record the viewer sees."""
    clinical = _clients(user, Capability.VIEW_CLINICAL, client_ids)
    if not clinical:
        return  # intake and admins: no clinical content, and no further query
    editable = _clients(user, Capability.EDIT_CLINICAL, clinical)
    episodes = _episodes(user, clinical, {row.appointment.context_id for row in rows})
    notes = _notes(user, episodes, first, last)
    alerts = set(
        SafetyAlert.objects.visible_to(user)
        .filter(client_id__in=clinical, status=SafetyAlert.Status.OPEN)
        .values_list("client_id", flat=True)
    )
    overdue = set(
        Invitation.objects.visible_to(user)
        .filter(
            client_id__in=clinical,
            status__in=(Invitation.Status.SENT, Invitation.Status.EXPIRED),
            send_at__gte=timezone.now() - MEASURES_WINDOW,
        )
        .values_list("client_id", flat=True)
    )
    ahead: dict[int, int] = {}  # per episode: sessions listed so far without a note
    for row in rows:
        if row.client is None or row.client.pk not in clinical:
            continue
        row.alert = row.client.pk in alerts
        row.measures_overdue = row.client.pk in overdue
        episode = _episode_of(row.appointment, episodes)
        if episode is None or row.appointment.kind != Appointment.Kind.SESSION:
            continue
        row.episode, row.planned = episode, episode.planned
        row.note = notes.get((episode.pk, row.start.date()))
        if row.note is not None:
            row.session, row.phase = row.note.number, row.note.get_phase_display()
        else:
            ahead[episode.pk] = ahead.get(episode.pk, 0) + 1
            row.session = episode.held + ahead[episode.pk]
            row.phase = Phase(episode.phase_for_session(row.session, episode.planned)).label
            row.can_start = (
                row.client.pk in editable
                and episode.status == Episode.Status.ACTIVE
                and row.start.date() == first
            )


def _clients(user: Any, capability: Capability, among: set[int]) -> set[int]:
    """Which of ``among`` the user holds ``capability`` on (break-glass is not a day's work)."""
    visible = Client.objects.visible_to(user, capability, break_glass=False)
    if not visible.query.is_empty():
        return set(visible.filter(pk__in=among).values_list("pk", flat=True))
    return set()


def _episodes(user: Any, clients: set[int], contexts: set[Any]) -> dict[Any, Episode]:
    """Episodes by public id (the appointment's context) and by client (the active one)."""
    wanted = Q(status=Episode.Status.ACTIVE) | Q(public_id__in={c for c in contexts if c})
    in_reach = Episode.objects.visible_to(user, Capability.VIEW_CLINICAL)
    found = with_session_counts(without_encrypted(in_reach.filter(wanted, client_id__in=clients)))
    by_key: dict[Any, Episode] = {}
    for episode in found:
        by_key[episode.public_id] = episode
        if episode.status == Episode.Status.ACTIVE:
            by_key[("client", episode.client_id)] = episode
    return by_key


def _episode_of(appointment: Appointment, episodes: dict[Any, Episode]) -> Episode | None:
    if appointment.context_id is not None and appointment.context_id in episodes:
        return episodes[appointment.context_id]
    return episodes.get(("client", appointment.client_id))


def _notes(
    user: Any, episodes: dict[Any, Episode], first: dt.date, last: dt.date
) -> dict[tuple[int, dt.date], SessionNote]:
    """The notes already dated on the listed days, by (episode, day): no note text."""
    keys = {episode.pk for episode in episodes.values()}
    if not keys:
        return {}
    notes = (
        SessionNote.objects.visible_to(user)
        .filter(episode_id__in=keys, held_on__range=(first, last))
        .only(*LISTED)
        .order_by("number")
    )
    return {(note.episode_id, note.held_on): note for note in notes}


@needs_action_source
def notes_needing_action(user: Any) -> list[tuple[str, int, str]]:
    """My unsigned notes, those a supervisor returned, and trainees' notes to co-sign.

    One aggregate per role, however many notes (a returned note is a draft again)."""
    found: list[tuple[str, int, str]] = []
    if Role.THERAPIST in user.roles:
        last = CosignReview.objects.filter(note=OuterRef("pk")).order_by("-created_at", "-pk")
        drafts = (
            SessionNote.objects.visible_to(user, Capability.EDIT_CLINICAL)
            .filter(author=user, status=SessionNote.Status.DRAFT)
            .annotate(last_decision=Subquery(last.values("decision")[:1]))
            .aggregate(
                all=Count("pk"),
                returned=Count("pk", filter=Q(last_decision=CosignReview.Decision.RETURNED)),
            )
        )
        unsigned = drafts["all"] - drafts["returned"]
        found += [
            ("returned", drafts["returned"], _returned_label(drafts["returned"])),
            ("unsigned", unsigned, _unsigned_label(unsigned)),
        ]
    if Role.SUPERVISOR in user.roles:
        trainees = Supervision.objects.filter(supervisor=user, cosigns_notes=True)
        awaiting = (
            SessionNote.objects.visible_to(user, Capability.COSIGN_NOTES)
            .filter(
                status=SessionNote.Status.AWAITING_COSIGN,
                author_id__in=trainees.values("supervisee_id"),
            )
            .count()
        )
        found.append(("cosign", awaiting, _cosign_label(awaiting)))
    return found


def _unsigned_label(n: int) -> str:
    return ngettext("%(n)d unsigned note", "%(n)d unsigned notes", n) % {"n": n}


def _returned_label(n: int) -> str:
    return ngettext(
        "%(n)d note returned by your supervisor", "%(n)d notes returned by your supervisor", n
    ) % {"n": n}


def _cosign_label(n: int) -> str:
    return ngettext(
        "%(n)d note awaiting your co-signature", "%(n)d notes awaiting your co-signature", n
    ) % {"n": n}
