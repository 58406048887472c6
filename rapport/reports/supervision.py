"""The supervisor's view: each supervisee's caseload and what needs the supervisor's eye.

Every figure comes from one grouped query over all supervisees (DESIGN.md: a page's
queries do not grow with caseload), through the access layer's supervised reach.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from rapport.core.access import Capability
from rapport.core.fields import without_encrypted
from rapport.core.models import Supervision, User
from rapport.ipt.catalogue import Phase
from rapport.ipt.models import CosignReview, Episode, FidelityRating, SessionNote
from rapport.ipt.panels import with_session_counts
from rapport.measures.models import Invitation, OutcomeFlag, SafetyAlert
from rapport.measures.outcomes import NOT_ON_TRACK

FIDELITY_MONTHS = 6
OVERDUE_WINDOW = dt.timedelta(days=14)  # as the dashboard's Today panel counts them
ACTIVE_PHASES = [p for p in Phase.values if p != Phase.CLOSED]
LISTED = 10  # names listed per supervisee and kind; the rest are counted


@dataclass
class Supervisee:
    user: User
    cosigns: bool
    phases: list[tuple[str, int]] = field(default_factory=list)
    active: int = 0
    not_on_track: list[Any] = field(default_factory=list)
    not_on_track_count: int = 0
    open_alerts: int = 0
    awaiting_cosign: int = 0
    returned: int = 0
    overdue_measures: int = 0
    # Per month: (month, rated sessions, share "yes" in phase, share "yes" on focus)
    fidelity: list[tuple[dt.date, int, int, int]] = field(default_factory=list)


def overview(supervisor: User) -> list[Supervisee]:
    links = Supervision.objects.filter(supervisor=supervisor).select_related("supervisee")
    people = {
        link.supervisee_id: Supervisee(link.supervisee, link.cosigns_notes)
        for link in links.order_by("supervisee__last_name", "supervisee__first_name")
    }
    if not people:
        return []
    ids = list(people)
    _caseload(supervisor, people, ids)
    _not_on_track(supervisor, people, ids)
    _counts(supervisor, people, ids)
    _fidelity(supervisor, people, ids)
    return list(people.values())


def _caseload(supervisor: User, people: dict[int, Supervisee], ids: list[int]) -> None:
    episodes = without_encrypted(
        Episode.objects.visible_to(supervisor, Capability.VIEW_CLINICAL)
        .active()
        .filter(therapist_id__in=ids)
    )
    phases: dict[int, Counter] = defaultdict(Counter)
    needed = ("therapist_id", "status", "episode_type", "initial_phase_sessions")
    counted = with_session_counts(episodes).only(*needed, "termination_phase_sessions")
    for episode in counted:
        phase = episode.phase_for_session(episode.held + 1, episode.planned)
        phases[episode.therapist_id][phase] += 1
    for pk, person in people.items():
        person.phases = [(str(Phase(p).label), phases[pk][p]) for p in ACTIVE_PHASES]
        person.active = sum(phases[pk].values())


def _not_on_track(supervisor: User, people: dict[int, Supervisee], ids: list[int]) -> None:
    flags = (
        OutcomeFlag.objects.visible_to(supervisor)
        .filter(kind=NOT_ON_TRACK, active=True, client__assigned_therapist_id__in=ids)
        .order_by("client_id", "-created_at")
    )
    seen: set[int] = set()
    for flag in without_encrypted(flags, "client").only(
        "client_id",
        "client__given_name",
        "client__family_name",
        "client__preferred_name",
        "client__public_id",
        "client__assigned_therapist_id",
        "created_at",
    ):
        if flag.client_id in seen:
            continue
        seen.add(flag.client_id)
        person = people[flag.client.assigned_therapist_id]
        person.not_on_track_count += 1
        if len(person.not_on_track) < LISTED:
            person.not_on_track.append(flag.client)


def _grouped(queryset: Any, by: str) -> dict[int, int]:
    return dict(queryset.order_by().values_list(by).annotate(n=Count("pk")).values_list(by, "n"))


def _counts(supervisor: User, people: dict[int, Supervisee], ids: list[int]) -> None:
    alerts = _grouped(
        SafetyAlert.objects.visible_to(supervisor).filter(
            status=SafetyAlert.Status.OPEN, client__assigned_therapist_id__in=ids
        ),
        "client__assigned_therapist_id",
    )
    notes = SessionNote.objects.visible_to(supervisor).filter(author_id__in=ids)
    awaiting = _grouped(notes.filter(status=SessionNote.Status.AWAITING_COSIGN), "author_id")
    last_decision = CosignReview.objects.filter(note=OuterRef("pk")).order_by("-created_at", "-pk")
    returned = _grouped(
        notes.filter(status=SessionNote.Status.DRAFT)
        .annotate(last=Subquery(last_decision.values("decision")[:1]))
        .filter(last=CosignReview.Decision.RETURNED),
        "author_id",
    )
    overdue = dict(
        Invitation.objects.visible_to(supervisor)
        .filter(
            client__assigned_therapist_id__in=ids,
            status__in=(Invitation.Status.SENT, Invitation.Status.EXPIRED),
            send_at__gte=timezone.now() - OVERDUE_WINDOW,
        )
        .order_by()
        .values_list("client__assigned_therapist_id")
        .annotate(n=Count("client_id", distinct=True))
    )
    for pk, person in people.items():
        person.open_alerts = alerts.get(pk, 0)
        person.awaiting_cosign = awaiting.get(pk, 0)
        person.returned = returned.get(pk, 0)
        person.overdue_measures = overdue.get(pk, 0)


def _fidelity(supervisor: User, people: dict[int, Supervisee], ids: list[int]) -> None:
    """The therapist's adherence self-ratings per month: how often "yes" on both items."""
    since = timezone.localdate().replace(day=1) - dt.timedelta(days=31 * (FIDELITY_MONTHS - 1))
    rows = (
        FidelityRating.objects.filter(
            note__in=SessionNote.objects.visible_to(supervisor).filter(author_id__in=ids),
            note__held_on__gte=since.replace(day=1),
        )
        .annotate(month=TruncMonth("note__held_on"))
        .order_by()
        .values_list("note__author_id", "month")
        .annotate(
            rated=Count("pk"),
            in_phase=Count("pk", filter=Q(in_phase=FidelityRating.Extent.YES)),
            on_focus=Count("pk", filter=Q(on_focus=FidelityRating.Extent.YES)),
        )
        .order_by("note__author_id", "month")
    )
    for author, month, rated, in_phase, on_focus in rows:
        people[author].fidelity.append(
            (month, rated, _percent(in_phase, rated), _percent(on_focus, rated))
        )


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0
