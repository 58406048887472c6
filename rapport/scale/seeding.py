"""A synthetic practice at scale, bulk-inserted for benchmarks (``manage.py seed_scale``).

Factor 1 is one clinic with 50 therapists (plus a supervisor, an intake coordinator and
an admin), 5,000 clients, each with one IPT episode, 60,000 signed session notes,
120,000 PHQ-9/GAD-7 responses scored by the real engine, 60,000 appointments with
their reminders, and consultation requests; plus one client with 500 sessions.
Factor N multiplies every count (staff included, so a caseload stays about 100 clients
and what grows is the clinic's history), except the 500-session client.

Everything is drawn from one seeded random generator, so two runs on the same day
write the same content (public ids aside). Rows go in with ``bulk_create``, which
still seals every encrypted field for its row (``pre_save``); signals, audit events
and outcome flags are not produced. Each signed note carries the snapshot its
signature would have taken, built from the scores in hand. Fictional data only.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from rapport.clients.models import Client
from rapport.core.models import Clinic, Role, StaffRole, Supervision, User
from rapport.intake.models import OPEN_STATUSES, ConsultationRequest, RequestStatus
from rapport.ipt import catalogue, note_measures
from rapport.ipt.catalogue import EpisodeType, Phase, ProblemArea, Technique
from rapport.ipt.demo_measures import GAD7_ITEMS, answers, phq9_answers
from rapport.ipt.models import Contract, Episode, EpisodeTask, FidelityRating, Goal, SessionNote
from rapport.measures import engine, instruments
from rapport.measures.models import Response, ScheduledMeasure
from rapport.measures.schedule import clinic_settings as measures_settings
from rapport.measures.views.charts import thresholds
from rapport.scheduling.models import Appointment, Reminder, SchedulingSettings

SEED = 20261130
CLINIC_NAME = "Scale clinic"
USERNAME_PREFIX = "scale-"
# Published bench credentials (synthetic data only), like the demo's.
BENCH_PASSWORD = "scale-bench-lantern-42"  # noqa: S105
BENCH_TOTP_KEY = bytes(range(20))  # base32: AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT

PER_FACTOR = {
    "therapists": 50,
    "clients": 5_000,
    "notes": 60_000,  # responses are two per note (PHQ-9 and GAD-7)
    "requests": 2_500,
}
GIANT_SESSIONS = 500
SCHEDULED = ("phq9", "gad7")  # every session, for every client
ACTIVE_EVERY = 4  # one client in four is in treatment now; the rest finished earlier
SESSION = timedelta(minutes=50)
WEEK = timedelta(weeks=1)
REMINDER_LEADS = (48 * 60, 2 * 60)
CHUNK = 250  # clients per transaction
BATCH = 2_000

TECHNIQUES = {
    ProblemArea.GRIEF: [Technique.EXPLORATORY, Technique.AFFECT],
    ProblemArea.ROLE_DISPUTE: [Technique.COMMUNICATION_ANALYSIS, Technique.ROLE_PLAY],
    ProblemArea.ROLE_TRANSITION: [Technique.CLARIFICATION, Technique.DECISION_ANALYSIS],
    ProblemArea.INTERPERSONAL_DEFICITS: [Technique.THERAPEUTIC_RELATIONSHIP, Technique.ROLE_PLAY],
}
GIVEN = [
    "Alex",
    "Blair",
    "Casey",
    "Drew",
    "Eden",
    "Finley",
    "Gray",
    "Harper",
    "Indy",
    "Jules",
    "Kai",
    "Logan",
    "Morgan",
    "Noor",
    "Oakley",
    "Parker",
    "Quinn",
    "Reese",
    "Sage",
    "Tatum",
]
FAMILY = [
    "Abbot",
    "Baker",
    "Castillo",
    "Dunn",
    "Ellis",
    "Fraser",
    "Garcia",
    "Hughes",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lund",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Patel",
    "Quist",
    "Rossi",
    "Silva",
    "Tran",
]
SYMPTOMS = [
    "Sleep a little better; energy low in the mornings.",
    "Mood flat most days; appetite back to normal.",
    "Two good days this week, then a dip after the weekend.",
    "Less tearful; still finds it hard to start tasks.",
]
EVENTS = [
    "A difficult conversation, then a better day.",
    "Cancelled plans with a friend and felt worse.",
    "Went back to the choir for the first time.",
    "An argument at home about chores.",
]
WORK = [
    "Linked the low mood to the change of role; listed what was lost and gained.",
    "Communication analysis of the argument; rehearsed saying one need plainly.",
    "Talked about the person who died and the last months together.",
    "Looked at how few people there are to call; chose one to contact.",
]
PLANS = [
    "Say one need out loud.",
    "Call one friend before the next session.",
    "Write down the argument as it happened.",
    "Keep the morning walk.",
]
CONCERNS = [
    "Low mood for months since a move.",
    "Keep arguing with my partner and feel hopeless.",
    "My mother died last year and I cannot get going.",
    "Lonely since retiring.",
]


@dataclass(frozen=True)
class Plan:
    """How many of each row a factor means."""

    factor: float

    def count(self, what: str) -> int:
        return max(1, round(PER_FACTOR[what] * self.factor))


@dataclass
class SeedReport:
    clinic: Clinic
    usernames: list[str]
    counts: dict[str, int] = field(default_factory=dict)


class ScaleError(Exception):
    """The database is not one the synthetic clinic may be written to."""


Progress = Callable[[int], None]


def seed(factor: float, *, force: bool = False, progress: Progress | None = None) -> SeedReport:
    """Write the synthetic clinic; refuses a database holding any clinic unless ``force``."""
    if factor <= 0:
        raise ScaleError("The factor must be positive.")
    if Clinic.objects.exists() and not force:
        raise ScaleError(
            "This database already holds a clinic: seed_scale writes only to an empty "
            "database (pass --force-new-clinic to add the synthetic clinic beside it)."
        )
    if User.objects.filter(username__startswith=USERNAME_PREFIX).exists():
        raise ScaleError("A scale clinic already exists in this database.")
    return Seeder(Plan(factor), progress or (lambda n: None)).run()


class Seeder:
    def __init__(self, plan: Plan, progress: Progress) -> None:
        self.plan = plan
        self.progress = progress
        self.rng = random.Random(SEED)  # noqa: S311  (synthetic data, not secrets)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.scores = ScoreBook()
        self.counts: dict[str, int] = {}

    def run(self) -> SeedReport:
        with transaction.atomic():
            self.clinic = Clinic.objects.create(name=CLINIC_NAME)
            self.zone = self.clinic.zone
            measures_settings(self.clinic)
            self.thresholds = thresholds(self.clinic)
            SchedulingSettings.objects.get_or_create(clinic=self.clinic)
            staff = self._staff()
        therapists = staff["therapists"]
        total = self.plan.count("clients")
        helds = held_counts(total, self.plan.count("notes"), self.rng)
        for start in range(0, total, CHUNK):
            with transaction.atomic():
                specs = [
                    ClientSpec.make(i, therapists, helds[i], self.rng)
                    for i in range(start, min(start + CHUNK, total))
                ]
                self._courses(specs)
            self.progress(len(specs))
        with transaction.atomic():
            self._courses([ClientSpec.long_history(therapists[0])])
            self._requests(self.plan.count("requests"))
        self.progress(1)
        refresh_planner_statistics()
        return SeedReport(self.clinic, staff["usernames"], self.counts)

    # --- staff ------------------------------------------------------------------------

    def _staff(self) -> dict[str, list]:
        password = make_password(BENCH_PASSWORD)  # hashed once: every bench account shares it
        people = [("admin", [Role.CLINIC_ADMIN]), ("intake", [Role.INTAKE_COORDINATOR])]
        people.append(("supervisor", [Role.SUPERVISOR, Role.THERAPIST]))
        people += [
            (f"therapist-{n:03d}", [Role.THERAPIST])
            for n in range(1, self.plan.count("therapists") + 1)
        ]
        users = User.objects.bulk_create(
            User(
                username=f"{USERNAME_PREFIX}{name}",
                password=password,
                first_name=self.rng.choice(GIVEN),
                last_name=self.rng.choice(FAMILY),
                email=f"{name}@scale.rapport.invalid",
                clinic=self.clinic,
            )
            for name, _roles in people
        )
        StaffRole.objects.bulk_create(
            StaffRole(user=user, role=role)
            for user, (_name, roles) in zip(users, people, strict=True)
            for role in roles
        )
        TOTPDevice.objects.bulk_create(
            TOTPDevice(user=user, name="Bench", key=BENCH_TOTP_KEY.hex(), confirmed=True)
            for user in users
        )
        therapists = users[3:]
        Supervision.objects.bulk_create(
            Supervision(supervisor=users[2], supervisee=therapist) for therapist in therapists[:10]
        )
        return {"therapists": therapists, "usernames": [user.username for user in users]}

    # --- one course of treatment per client ----------------------------------------------

    def _courses(self, specs: list[ClientSpec]) -> None:
        clients = self._bulk(Client, [self._client(spec) for spec in specs])
        episodes = self._bulk(
            Episode, [self._episode(s, c) for s, c in zip(specs, clients, strict=True)]
        )
        rows: dict[type[models.Model], list[models.Model]] = {}
        for spec, episode in zip(specs, episodes, strict=True):
            for row in self._episode_rows(spec, episode):
                rows.setdefault(type(row), []).append(row)
        notes = self._bulk(SessionNote, rows.pop(SessionNote, []))
        self._bulk(
            FidelityRating, [FidelityRating(note=n, in_phase="yes", on_focus="yes") for n in notes]
        )
        appointments = self._bulk(Appointment, rows.pop(Appointment, []))
        self._bulk(Reminder, list(self._reminders(appointments)))
        for model, batch in rows.items():
            self._bulk(model, batch)

    def _client(self, spec: ClientSpec) -> Client:
        rng = self.rng
        n = spec.index + 1
        return Client(
            clinic=self.clinic,
            given_name=rng.choice(GIVEN),
            family_name=f"{rng.choice(FAMILY)}-{n}",
            date_of_birth=date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 55)),
            email=f"client{n}@scale.rapport.invalid",
            assigned_therapist=spec.therapist,
            background=f"Synthetic client {n}: {rng.choice(CONCERNS)}",
        )

    def _episode(self, spec: ClientSpec, client: Client) -> Episode:
        rng = self.rng
        spec.area = rng.choice(list(TECHNIQUES))
        spec.baseline = rng.randint(10, 22)
        spec.last_on = self._last_session(spec)
        started = spec.last_on - WEEK * (spec.held - 1)
        closed = not spec.active
        return Episode(
            client=client,
            therapist=spec.therapist,
            episode_type=EpisodeType.MAINTENANCE if spec.giant else EpisodeType.ACUTE,
            status=Episode.Status.CLOSED if closed else Episode.Status.ACTIVE,
            started_on=started,
            closed_on=spec.last_on if closed else None,
            close_reason=(
                Episode.CloseReason.COMPLETED if spec.held >= 12 else Episode.CloseReason.DROP_OUT
            )
            if closed
            else "",
            baseline_phq9=min(spec.baseline, 24),
            primary_problem_area=spec.area,
            formulation=f"Low mood linked to {ProblemArea(spec.area).label.lower()} (synthetic).",
            formulation_agreed_on=started + WEEK * 2,
        )

    def _last_session(self, spec: ClientSpec) -> date:
        """Weekly on the client's weekday: the latest one this past week, or long ago."""
        days_back = (self.today.weekday() - spec.weekday) % 7 or 7
        last = self.today - timedelta(days=days_back)
        if not spec.active:
            last -= WEEK * self.rng.randint(spec.held + 1, 150)
        return last

    def _episode_rows(self, spec: ClientSpec, episode: Episode) -> Iterator[models.Model]:
        yield self._contract(spec, episode)
        done = self.now
        for task in catalogue.INITIAL_TASKS + (
            catalogue.TERMINATION_TASKS if not spec.active else ()
        ):
            yield EpisodeTask(
                episode=episode,
                code=task.code,
                done=True,
                completed_at=done,
                completed_by=spec.therapist,
            )
        for n, text in enumerate(catalogue.PROBLEM_AREA_GOALS[spec.area]):
            yield Goal(episode=episode, problem_area=spec.area, text=str(text), position=n)
        for code in SCHEDULED:
            yield ScheduledMeasure(
                client=episode.client,
                context_id=episode.public_id,
                instrument=code,
                cadence=ScheduledMeasure.Cadence.EVERY_SESSION,
            )
        yield from self._sessions(spec, episode)

    def _contract(self, spec: ClientSpec, episode: Episode) -> Contract:
        planned = 40 if spec.giant else max(12, spec.held + (2 if spec.active else 0))
        spec.planned = planned
        first = episode.started_on
        return Contract(
            episode=episode,
            version=1,
            planned_sessions=planned,
            frequency=Contract.Frequency.WEEKLY,
            start_on=first,
            expected_end_on=first + WEEK * (planned - 1),
            focus=f"Primary problem area: {ProblemArea(spec.area).label}.",
            created_by=spec.therapist,
            acknowledged_at=self.now,
            acknowledged_how=Contract.Acknowledgement.IN_PERSON,
        )

    def _sessions(self, spec: ClientSpec, episode: Episode) -> Iterator[models.Model]:
        rng = self.rng
        drop = rng.uniform(0.0, 1.2)
        given: list[Response] = []  # the baselines and the last two sessions' scores
        for number in range(1, spec.held + 1):
            held_on = spec.last_on - WEEK * (spec.held - number)
            note = self._note(spec, episode, number, held_on)
            yield note
            depression = round(spec.baseline - drop * (number - 1) + rng.uniform(-2, 2))
            answered = self._at(held_on, time(8, 30))
            for code, total in (("phq9", depression), ("gad7", round(depression * 0.7))):
                given.append(self._response(episode, number, code, total, answered))
                yield given[-1]
            del given[2:-4]
            note.signed_snapshot = self._snapshot(note, given)
            # The first session predates the system's calendar; each later one was booked.
            if number > 1 or not spec.active:
                yield self._appointment(spec, episode, held_on, Appointment.Status.ATTENDED)
        if spec.active:  # next week's session is booked
            upcoming = spec.last_on + WEEK
            yield self._appointment(spec, episode, upcoming, Appointment.Status.BOOKED)

    def _note(self, spec: ClientSpec, episode: Episode, number: int, held_on: date) -> SessionNote:
        rng = self.rng
        signed = self._at(held_on, time(spec.hour, 55))
        return SessionNote(
            episode=episode,
            author=spec.therapist,
            number=number,
            held_on=held_on,
            phase=note_phase(number, spec.planned, giant=spec.giant),
            mood_rating=min(3 + number // 2, 9),
            symptom_review=rng.choice(SYMPTOMS),
            suicidality=SessionNote.Suicidality.NONE,
            interval_events=rng.choice(EVENTS),
            problem_area_work=rng.choice(WORK),
            techniques=[str(t) for t in TECHNIQUES[spec.area]],
            between_session_plan=rng.choice(PLANS),
            status=SessionNote.Status.SIGNED,
            signed_at=signed,
            signed_by=spec.therapist,
        )

    def _snapshot(self, note: SessionNote, given: list[Response]) -> str:
        """What signing stores (``note_measures.snapshot``), from the scores in hand:
        the note page then shows a seeded note as it shows every note signed in use."""
        slot = note_measures.panel(note, given, [], scheduled=SCHEDULED, overrides=self.thresholds)
        return json.dumps({"format": note_measures.SNAPSHOT_FORMAT, **slot}, ensure_ascii=False)

    def _response(
        self, episode: Episode, number: int, code: str, total: int, answered: datetime
    ) -> Response:
        values, total, band = self.scores.get(code, total)
        return Response(
            clinic=self.clinic,
            client=episode.client,
            context_id=episode.public_id,
            session_number=number,
            instrument=code,
            instrument_version=instruments.get(code).version,
            answers=values,
            total=total,
            band=band,
            mode=Response.Mode.IN_SESSION,
            entered_by=episode.therapist,
            submitted_at=answered,
        )

    def _appointment(
        self, spec: ClientSpec, episode: Episode, day: date, status: str
    ) -> Appointment:
        starts = self._at(day, time(spec.hour))
        return Appointment(
            clinic=self.clinic,
            client=episode.client,
            therapist=spec.therapist,
            status=status,
            starts_at=starts,
            ends_at=starts + SESSION,
            context_id=episode.public_id,
        )

    def _reminders(self, appointments: Iterable[Appointment]) -> Iterator[Reminder]:
        """Past reminders were sent; those still ahead wait for the worker (none due now)."""
        soon = self.now + timedelta(minutes=10)
        for appointment in appointments:
            for lead in REMINDER_LEADS:
                send_at = appointment.starts_at - timedelta(minutes=lead)
                pending = send_at > soon and appointment.status == Appointment.Status.BOOKED
                yield Reminder(
                    appointment=appointment,
                    lead_minutes=lead,
                    send_at=send_at,
                    status=Reminder.Status.PENDING if pending else Reminder.Status.SENT,
                    sent_at=None if pending else send_at,
                )

    # --- the intake queue -----------------------------------------------------------

    def _requests(self, total: int) -> None:
        rng = self.rng
        open_statuses = list(OPEN_STATUSES)
        closed = [RequestStatus.ACCEPTED, RequestStatus.DECLINED, RequestStatus.REFERRED]
        rows = []
        for n in range(total):
            is_open = n % 5 == 0
            age = timedelta(days=rng.randrange(60 if is_open else 3 * 365), minutes=n)
            rows.append(
                ConsultationRequest(
                    clinic=self.clinic,
                    name=f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                    email=f"request{n}@scale.rapport.invalid",
                    preferred_channel=ConsultationRequest.Channel.EMAIL,
                    age_group=ConsultationRequest.AgeGroup.ADULT,
                    concern=rng.choice(CONCERNS),
                    consent_to_contact=True,
                    urgent=is_open and n % 100 == 0,
                    status=rng.choice(open_statuses if is_open else closed),
                    created_at=self.now - age,
                )
            )
        with keep_given(ConsultationRequest, "created_at"):
            self._bulk(ConsultationRequest, rows)

    # --- helpers ------------------------------------------------------------------------

    def _at(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=self.zone)

    def _bulk(self, model: type[models.Model], rows: list) -> list:
        created = model.objects.bulk_create(rows, batch_size=BATCH)
        name = model._meta.model_name
        self.counts[name] = self.counts.get(name, 0) + len(created)
        return created


@dataclass
class ClientSpec:
    """What one synthetic client's course looks like before its rows are made."""

    index: int
    therapist: User
    held: int
    active: bool
    weekday: int
    hour: int
    giant: bool = False
    area: str = ""
    baseline: int = 0
    planned: int = 0
    last_on: date = date.min

    @classmethod
    def make(cls, index: int, therapists: list[User], held: int, rng: random.Random) -> ClientSpec:
        therapist = therapists[index % len(therapists)]
        slot = index // len(therapists)  # the client's place in the caseload
        active = slot % ACTIVE_EVERY == 0
        weekly = slot // ACTIVE_EVERY  # active clients take distinct weekly slots
        weekday = weekly % 5 if active else rng.randrange(5)
        hour = 9 + (weekly // 5) % 8 if active else rng.randrange(9, 17)
        return cls(index, therapist, held, active, weekday, hour)

    @classmethod
    def long_history(cls, therapist: User) -> ClientSpec:
        """Ten years of weekly maintenance sessions, on the first therapist's caseload."""
        return cls(10**7, therapist, GIANT_SESSIONS, active=True, weekday=0, hour=17, giant=True)


def refresh_planner_statistics() -> None:
    """On PostgreSQL, ANALYZE as autovacuum would in a running practice.

    Without it, PostgreSQL plans the first hours of a bulk-filled database from empty
    tables' statistics (a seq scan of 600,000 fidelity ratings for one episode's notes).
    SQLite gathers no statistics by itself, so a practice's SQLite file has none and
    the bench leaves it so: with them, SQLite's planner picks table scans for the
    measures tab's joins (docs/operations.md).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def held_counts(clients: int, notes: int, rng: random.Random) -> list[int]:
    """Sessions per client: varied around the mean, in pairs (mean + d, mean - d), so the
    total is exactly ``notes``; the first client holds the mean (the bench's typical client)."""
    mean, extra = divmod(notes, clients)
    counts = []
    for n in range(0, clients - 1, 2):
        spread = 0 if n == 0 else rng.randint(0, max(0, min(8, mean - 1)))
        counts += [mean + spread, mean - spread]
    if len(counts) < clients:
        counts.append(mean)
    for n in range(extra):
        counts[n + 1] += 1
    return counts


def note_phase(number: int, planned: int, *, giant: bool = False) -> str:
    """§1.2 as Episode.phase_for_session sees it while the course runs."""
    if giant:
        return Phase.MAINTENANCE
    if number <= catalogue.DEFAULT_INITIAL_SESSIONS:
        return Phase.INITIAL
    if number > planned - catalogue.DEFAULT_TERMINATION_SESSIONS:
        return Phase.TERMINATION
    return Phase.MIDDLE


class ScoreBook:
    """Answers for a wanted total, scored once per (instrument, total) by the real engine."""

    LIMITS = {"phq9": (0, 24), "gad7": (0, 21)}  # PHQ-9 item 9 stays 0: no safety alerts

    def __init__(self) -> None:
        self.cache: dict[tuple[str, int], tuple[dict[str, int], int, str]] = {}

    def get(self, code: str, wanted: int) -> tuple[dict[str, int], int, str]:
        low, high = self.LIMITS[code]
        wanted = min(max(wanted, low), high)
        key = (code, wanted)
        if key not in self.cache:
            values = phq9_answers(wanted) if code == "phq9" else answers(GAD7_ITEMS, wanted)
            result = engine.score(instruments.get(code), values)
            if result.total != wanted or result.hits:
                raise ScaleError(f"{code} answers for {wanted} scored {result.total}")
            self.cache[key] = (values, result.total, result.band)
        return self.cache[key]


@contextmanager
def keep_given(model: type[models.Model], name: str) -> Iterator[None]:
    """Let bulk_create keep a backdated value in an ``auto_now_add`` field."""
    column = model._meta.get_field(name)
    saved = column.auto_now_add
    column.auto_now_add = False
    try:
        yield
    finally:
        column.auto_now_add = saved
