"""The clinic outcomes dashboard (issue 12 item 4): figures over a period, in grouped queries.

Who sees what: a clinic admin sees the whole clinic, de-identified (counts and rates,
never a client); a clinician sees the clients in their own reach (``VIEW_CLINICAL``:
a therapist's caseload, a supervisor's supervisees'). The scope is the access layer's
client queryset; every query below starts from it.

Clinical definitions are measures.md §3 (NHS Talking Therapies), applied through
``rapport.measures.outcomes`` so that a course is judged here exactly as on its chart:

* a course *started* in the period: ``started_on`` in it; *finished*: closed as
  completed in it; *dropped out*: closed with reason drop-out in it;
* *paired scores*: at least two complete PHQ-9 or GAD-7 totals in the course, the
  first (baseline) and the last;
* recovery rate = recovered / (finished with paired scores - not at caseness at the
  start) (§3 "rate = recovered / (finished course - not at caseness at start)");
  reliable recovery uses the same denominator; reliable improvement and reliable
  deterioration are over every finished course with paired scores;
* data completeness = finished courses with paired scores / finished courses.

Queries: the scope's therapists, courses started and courses ended (each one grouped
aggregate), the finished courses' keys, their baseline and last scores (one window
query for all of them), and the requests with their first contact and first session.
None grows with the number of courses.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    ExtractDay,
    ExtractMonth,
    ExtractYear,
    RowNumber,
    TruncMonth,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.clients.models import Client
from rapport.core.access import Capability, Reach, reaches
from rapport.core.models import User
from rapport.intake.models import ConsultationRequest, ContactAttempt
from rapport.ipt.catalogue import ProblemArea, Variant
from rapport.ipt.models import Episode, SessionNote
from rapport.ipt.models.episodes import SessionAttendance
from rapport.measures import outcomes
from rapport.measures.models import MeasuresSettings, Response
from rapport.scheduling.models import Appointment

PAIRED = ("phq9", "gad7")  # §3: the NHS Talking Therapies paired measures
CLINIC_WIDE = "clinic"
CASELOAD = "caseload"

# Age at the start of the course (years).
AGE_GROUPS: list[tuple[str, Any, int, int | None]] = [
    ("under_18", gettext_lazy("Under 18"), 0, 17),
    ("18_25", gettext_lazy("18 to 25"), 18, 25),
    ("26_64", gettext_lazy("26 to 64"), 26, 64),
    ("65_plus", gettext_lazy("65 or over"), 65, None),
]
BREAKDOWNS = [
    ("therapist", gettext_lazy("Therapist")),
    ("problem_area", gettext_lazy("Primary problem area")),
    ("variant", gettext_lazy("Manual (episode variant)")),
    ("age_group", gettext_lazy("Age group at the start of the course")),
    ("month", gettext_lazy("Month")),
]
NOT_RECORDED = gettext_lazy("Not recorded")


def scope_of(user: Any) -> str | None:
    """Clinic-wide (admins, de-identified), the user's caseload (clinicians), or nothing."""
    if Reach.CLINIC in reaches(user, Capability.MANAGE_CLINIC):
        return CLINIC_WIDE
    if reaches(user, Capability.VIEW_CLINICAL):
        return CASELOAD
    return None


def clients_in_scope(user: Any, scope: str) -> QuerySet:
    if scope == CLINIC_WIDE:
        return Client.objects.visible_to(user, Capability.VIEW_CLIENTS)
    # A break-glass grant opens one client for a reason, not a caseload to report on.
    return Client.objects.visible_to(user, Capability.VIEW_CLINICAL, break_glass=False)


@dataclass(frozen=True)
class Filters:
    start: dt.date
    end: dt.date
    therapist: int | None = None  # a User key, resolved from the form's public id
    problem_area: str = ""
    variant: str = ""
    age_group: str = ""
    breakdown: str = "therapist"


@dataclass
class Group:
    """One row of a breakdown (or the total): counts and the outcome tallies."""

    key: Any
    label: str
    started: int = 0
    finished: int = 0
    dropped: int = 0
    paired: int = 0
    at_caseness: int = 0
    recovered: int = 0
    improved: int = 0
    reliably_recovered: int = 0
    deteriorated: int = 0

    def add(self, flags: outcomes.Recovery) -> None:
        self.paired += 1
        self.at_caseness += flags.case_at_start
        self.recovered += flags.recovered
        self.improved += flags.reliable_improvement
        self.reliably_recovered += flags.reliably_recovered
        self.deteriorated += flags.reliable_deterioration

    @property
    def recovery_rate(self) -> float | None:
        return _rate(self.recovered, self.at_caseness)

    @property
    def reliable_recovery_rate(self) -> float | None:
        return _rate(self.reliably_recovered, self.at_caseness)

    @property
    def improvement_rate(self) -> float | None:
        return _rate(self.improved, self.paired)

    @property
    def deterioration_rate(self) -> float | None:
        return _rate(self.deteriorated, self.paired)

    @property
    def completeness(self) -> float | None:
        return _rate(self.paired, self.finished)


@dataclass(frozen=True)
class Wait:
    """Days from request to a step, over the requests that reached it."""

    count: int
    median: float | None
    p90: int | None


@dataclass
class Dashboard:
    scope: str
    filters: Filters
    requests: int
    to_contact: Wait
    to_session: Wait
    total: Group
    groups: list[Group] = field(default_factory=list)


def _rate(part: int, whole: int) -> float | None:
    return None if not whole else round(100 * part / whole, 1)


def percentile(values: Sequence[int], fraction: float) -> int | None:
    """Nearest-rank centile: the smallest value with at least ``fraction`` of values at or
    below it (so the 90th centile is always a wait someone actually had)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)), 1) - 1]


def wait(days: Iterable[int]) -> Wait:
    values = list(days)
    median = statistics.median(values) if values else None
    return Wait(len(values), median, percentile(values, 0.9))


def age_at_start() -> Any:
    """Whole years from date of birth to the course's start, in SQL on any backend:
    (yyyymmdd of the start - yyyymmdd of the birth) integer-divided by 10 000."""

    def stamp(path: str) -> Any:
        # PostgreSQL's EXTRACT is numeric: cast, so the division below is an integer one.
        parts = ExtractYear(path) * 10000 + ExtractMonth(path) * 100 + ExtractDay(path)
        return Cast(parts, IntegerField())

    return (stamp("started_on") - stamp("client__date_of_birth")) / Value(10000)


def age_group_case() -> Case:
    whens = [
        When(age__gte=low, then=Value(key))
        if high is None
        else When(age__gte=low, age__lte=high, then=Value(key))
        for key, _label, low, high in AGE_GROUPS
    ]
    return Case(*whens, default=Value(""), output_field=CharField())


def _courses(clients: QuerySet, filters: Filters) -> QuerySet:
    """The scope's courses under the filters that describe a course (not the period)."""
    courses = Episode.objects.filter(client__in=clients.values("pk")).annotate(
        age=Coalesce(age_at_start(), Value(-1), output_field=IntegerField())
    )
    courses = courses.annotate(age_group=age_group_case())
    if filters.therapist:
        courses = courses.filter(therapist_id=filters.therapist)
    if filters.problem_area:
        courses = courses.filter(primary_problem_area=filters.problem_area)
    if filters.variant:
        courses = courses.filter(variant=filters.variant)
    if filters.age_group:
        courses = courses.filter(age_group=filters.age_group)
    return courses.order_by()


def _key(breakdown: str, when: str) -> Any:
    """The SQL expression a breakdown groups by; ``when`` is the event's date column."""
    return {
        "therapist": F("therapist_id"),
        "problem_area": F("primary_problem_area"),
        "variant": F("variant"),
        "age_group": F("age_group"),
        "month": TruncMonth(when),
    }[breakdown]


def _label(breakdown: str, key: Any, therapists: dict[int, str]) -> str:
    if breakdown == "therapist":
        return therapists.get(key, _("Former therapist"))
    if breakdown == "problem_area":
        return str(ProblemArea(key).label) if key else str(NOT_RECORDED)
    if breakdown == "variant":
        return str(Variant(key).label) if key in Variant.values else key
    if breakdown == "age_group":
        return next((str(label) for k, label, *_r in AGE_GROUPS if k == key), str(NOT_RECORDED))
    return key.strftime("%Y-%m") if key else str(NOT_RECORDED)


def therapists_of(clients: QuerySet) -> dict[int, str]:
    """The therapists of the scope's courses, by key: staff names (not client data)."""
    people = User.objects.filter(
        pk__in=Episode.objects.filter(client__in=clients.values("pk")).values("therapist_id")
    ).order_by("last_name", "first_name", "pk")
    return {person.pk: person.get_full_name() or person.username for person in people}


def build(user: Any, scope: str, filters: Filters, therapists: dict[int, str]) -> Dashboard:
    clients = clients_in_scope(user, scope)
    courses = _courses(clients, filters)
    start, end = filters.start, filters.end
    groups: dict[Any, Group] = {}

    def group(key: Any) -> Group:
        if key not in groups:
            groups[key] = Group(key, _label(filters.breakdown, key, therapists))
        return groups[key]

    started = (
        courses.filter(started_on__range=(start, end))
        .annotate(k=_key(filters.breakdown, "started_on"))
        .values("k")
        .annotate(n=Count("pk"))
    )
    for row in started:
        group(row["k"]).started = row["n"]
    finished_q = Q(close_reason=Episode.CloseReason.COMPLETED)
    ended = (
        courses.filter(status=Episode.Status.CLOSED, closed_on__range=(start, end))
        .annotate(k=_key(filters.breakdown, "closed_on"))
        .values("k")
        .annotate(
            finished=Count("pk", filter=finished_q),
            dropped=Count("pk", filter=Q(close_reason=Episode.CloseReason.DROP_OUT)),
        )
    )
    for row in ended:
        group(row["k"]).finished = row["finished"]
        group(row["k"]).dropped = row["dropped"]
    _add_outcomes(user, courses.filter(finished_q, status=Episode.Status.CLOSED), filters, group)
    total = Group(None, _("All courses"))
    for item in groups.values():
        for name in ("started", "finished", "dropped", "paired", "at_caseness", "recovered"):
            setattr(total, name, getattr(total, name) + getattr(item, name))
        for name in ("improved", "reliably_recovered", "deteriorated"):
            setattr(total, name, getattr(total, name) + getattr(item, name))
    requests, to_contact, to_session = _requests(user, scope, clients, filters)
    ordered = sorted(groups.values(), key=lambda g: (g.label.casefold(), str(g.key)))
    if filters.breakdown == "month":
        ordered = sorted(groups.values(), key=lambda g: str(g.key))
    return Dashboard(scope, filters, requests, to_contact, to_session, total, ordered)


def _add_outcomes(user: Any, finished: QuerySet, filters: Filters, group: Any) -> None:
    """§3 flags for each finished course with paired scores, tallied into its group."""
    finished = finished.filter(closed_on__range=(filters.start, filters.end))
    held = (
        SessionNote.objects.filter(episode=OuterRef("pk"), attendance=SessionAttendance.ATTENDED)
        .order_by()
        .values("episode")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = finished.annotate(
        k=_key(filters.breakdown, "closed_on"),
        attended=Coalesce(Subquery(held, output_field=IntegerField()), 0),
    ).values("public_id", "k", "attended")
    rows = list(rows)
    if not rows:
        return
    pairs = paired_scores(finished.values("public_id"))
    settings = MeasuresSettings.objects.filter(clinic_id=user.clinic_id).first()
    for row in rows:
        scores = pairs.get(row["public_id"], {})
        if not scores:
            continue
        flags = outcomes.recovery(
            scores.get("phq9", []), scores.get("gad7", []), row["attended"], settings
        )
        group(row["k"]).add(flags)


def paired_scores(context_ids: QuerySet) -> dict[Any, dict[str, list[int]]]:
    """Baseline and last PHQ-9/GAD-7 total of each course that has two or more: one query.

    As in ``outcomes.series``: complete responses only, a correction in the place of the
    response it corrects (ordered by the corrected one's time), the corrected one left out.
    """
    place = Coalesce(F("corrects__submitted_at"), F("submitted_at"))
    partition = [F("context_id"), F("instrument")]
    scores = (
        Response.objects.filter(
            context_id__in=context_ids,
            instrument__in=PAIRED,
            complete=True,
            total__isnull=False,
        )
        .exclude(Exists(Response.objects.filter(corrects=OuterRef("pk"))))
        .annotate(
            # One ordering (one sort): the position, and the series' length beside it.
            first=Window(
                RowNumber(), partition_by=partition, order_by=[place.asc(), F("pk").asc()]
            ),
            scores=Window(Count("pk"), partition_by=partition),
        )
        .filter(Q(first=1) | Q(first=F("scores")))
        .order_by()
        .values("context_id", "instrument", "total", "first", "scores")
    )
    found: dict[Any, dict[str, list[int | None]]] = defaultdict(dict)
    for row in scores:
        if row["scores"] < 2:
            continue  # a single score: no pair
        pair = found[row["context_id"]].setdefault(row["instrument"], [None, None])
        pair[0 if row["first"] == 1 else 1] = row["total"]
    return {key: dict(value) for key, value in found.items()}  # type: ignore[misc]


def _requests(user: Any, scope: str, clients: QuerySet, filters: Filters) -> tuple[int, Wait, Wait]:
    """Requests made in the period, and days from each to first contact and first session."""
    zone = user.clinic.zone
    since = dt.datetime.combine(filters.start, dt.time.min, tzinfo=zone)
    until = dt.datetime.combine(filters.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    if scope == CLINIC_WIDE:
        requests = ConsultationRequest.objects.visible_to(user)
    else:  # a clinician's: the requests that became their clients
        requests = ConsultationRequest.objects.filter(client__in=clients.values("pk"))
    contact = (
        ContactAttempt.objects.filter(request=OuterRef("pk"))
        .order_by()
        .values("request")
        .annotate(first=Min("at"))
        .values("first")
    )
    note = (
        SessionNote.objects.filter(
            episode__client=OuterRef("client"), attendance=SessionAttendance.ATTENDED
        )
        .order_by()
        .values("episode__client")
        .annotate(first=Min("held_on"))
        .values("first")
    )
    visit = (
        Appointment.objects.filter(
            client=OuterRef("client"),
            kind=Appointment.Kind.SESSION,
            status=Appointment.Status.ATTENDED,
        )
        .order_by()
        .values("client")
        .annotate(first=Min("starts_at"))
        .values("first")
    )
    rows = (
        requests.filter(created_at__gte=since, created_at__lt=until)
        .order_by()
        .annotate(contact=Subquery(contact), note=Subquery(note), visit=Subquery(visit))
        .values("created_at", "contact", "note", "visit")
    )
    to_contact, to_session = [], []
    count = 0
    for row in rows:
        count += 1
        asked = row["created_at"].astimezone(zone).date()
        if row["contact"] is not None:
            to_contact.append((row["contact"].astimezone(zone).date() - asked).days)
        seen = [day for day in (row["note"], _local(row["visit"], zone)) if day is not None]
        if seen:
            to_session.append((min(seen) - asked).days)
    return count, wait(to_contact), wait(to_session)


def _local(moment: dt.datetime | None, zone: Any) -> dt.date | None:
    return None if moment is None else moment.astimezone(zone).date()
