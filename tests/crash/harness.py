"""SIGKILL the app server and the worker at random points while clients work (issue 10, item 9).

The real processes run as production runs them (``gunicorn rapport.wsgi`` and
``manage.py worker --loop``, tests/processes.py). A seeded plan says which of the
two dies next and how long after it came up; after each kill the process is
started again. Meanwhile, over HTTP:

* a therapist autosaves session notes, each save carrying the version it read;
* clients answer questionnaire links taken from the invitation e-mails;
* the therapist books courses of sessions, which schedules their reminders;
* "the clock" makes reminders and invitations fall due, in step with the plan.

A client whose request gets no answer (the server died) sends it again, as the
autosave script and a person pressing the button again do. At the end the work
is drained and the database and the written e-mail are compared with what the
clients were told (``Report``).
"""

from __future__ import annotations

import http.client
import json
import math
import random
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import Message
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from rapport.core.models import OutboundEmail, Role, WorkerHeartbeat
from rapport.ipt.models import SessionNote
from rapport.measures import instruments
from rapport.measures.invitations import create_invitation, hash_token
from rapport.measures.models import Invitation, Response
from rapport.scheduling.models import (
    Appointment,
    BookingConfirmation,
    Reminder,
    SchedulingSettings,
    Series,
)
from tests import processes
from tests.factories import make_client, make_clinic, make_episode, make_note, make_staff
from tests.ipt.notes_helpers import contract, note_form

# Failure guards only (never a timing check): a process that cannot start, a request
# that finds no server for this long, or a drain that does not end is a failure.
STARTUP_GUARD = 90
ANSWER_GUARD = 120
DRAIN_GUARD = 600
# How long after coming up a process may live, at most (seconds, drawn uniformly).
MAX_LIFE = {"web": 1.0, "worker": 1.0}
CSRF = "crashtestcsrf0123456789abcdefghi"  # a 32-character CSRF secret, sent as cookie and header
REMINDER, INVITATION = "Appointment reminder", "Your check-in before your next appointment"
CONFIRMATION = {"Your appointment is booked", "Your appointments are booked"}
LINK = re.compile(r"/q/([A-Za-z0-9_\-]+)/")
QUESTION = re.compile(r'type="radio" name="([a-z0-9]+)-([a-z0-9_]+)"')
UID = re.compile(r"UID:([0-9a-f-]{36})@")
ZONE = "Europe/London"
SLOTS = [(day, hour) for day in range(7) for hour in range(8, 20)]  # one course per slot


# --- the plan and the processes -----------------------------------------------------------


def plan(kills: int, seed: int) -> dict[str, list[float]]:
    """Per process, how long each of its lives lasts once up: the same for the same seed."""
    rng = random.Random(seed)
    lives: dict[str, list[float]] = {"web": [], "worker": []}
    for _ in range(kills):
        target = rng.choice(sorted(lives))
        lives[target].append(rng.uniform(0, MAX_LIFE[target]))
    return lives


class Supervised:
    """One child that is started, SIGKILLed and started again (generation counts lives)."""

    def __init__(self, name: str, env: dict[str, str], logs: Path, port: int) -> None:
        self.name, self.env, self.log, self.port = name, env, logs / f"{name}.log", port
        self.generation = 0
        self.kills = 0
        self.child: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_name(self, generation: int) -> str:
        return f"crash-w{generation}"

    def start(self) -> None:
        self.generation += 1
        if self.name == "web":
            args = processes.app_server(self.port)
        else:
            args = processes.worker(self.worker_name(self.generation))
        self.child = processes.start(args, self.env, self.log)

    def ready(self) -> bool:
        if self.name == "web":
            return processes.answers(self.base)
        name = self.worker_name(self.generation)
        return WorkerHeartbeat.objects.filter(name=name).exists()

    def wait_ready(self) -> None:
        processes.wait_until(self.ready, STARTUP_GUARD, f"{self.name} to start", [self.child])

    def kill(self) -> None:
        processes.kill(self.child)
        self.kills += 1

    def dead_workers(self) -> list[str]:
        return [self.worker_name(g) for g in range(1, self.generation)]


# --- HTTP clients -------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


class Browser:
    """Form posts with a session (or none) and the CSRF token, as a browser sends them."""

    def __init__(self, base: str, session: str = "") -> None:
        self.base, self.cookie = base, "; ".join(filter(None, [session, f"csrftoken={CSRF}"]))
        self.unanswered = 0  # requests the server died on: their outcome was unknown

    def request(
        self, method: str, path: str, fields: list[tuple[str, Any]] | None = None
    ) -> Reply | None:
        host, port = self.base.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        headers = {
            "Cookie": self.cookie,
            "X-CSRFToken": CSRF,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        try:
            body = None if fields is None else urlencode(fields)
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return Reply(response.status, dict(response.getheaders()), response.read())
        except (OSError, http.client.HTTPException):
            return None  # no answer: the server died before or while answering
        finally:
            conn.close()

    def request_until_answered(
        self, method: str, path: str, fields: list[tuple[str, Any]] | None = None
    ) -> tuple[Reply, bool]:
        """The reply, and whether an earlier try went unanswered (it may have been applied)."""
        deadline, retried = time.monotonic() + ANSWER_GUARD, False
        while (reply := self.request(method, path, fields)) is None:
            self.unanswered += 1
            retried = True
            assert time.monotonic() < deadline, f"no server answered {path}"
            time.sleep(0.05)
        return reply, retried


class Client(threading.Thread):
    """A client loop; an exception ends the run as a failure, never silently."""

    def __init__(self, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.stop = stop
        self.problems: list[str] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.work()
        except BaseException as error:  # reported by the test
            self.error = error
        finally:
            connection.close()

    def work(self) -> None:
        raise NotImplementedError


@dataclass
class NoteState:
    path: str
    pk: int
    form: list[tuple[str, Any]]
    version: int = 1
    acks: list[tuple[int, str]] = field(default_factory=list)  # (version, text) answered 200


class NoteWriter(Client):
    """Autosaves drafts as autosave.js does: the version it holds, the text typed."""

    def __init__(self, stop: threading.Event, browser: Browser, notes: list[NoteState]) -> None:
        super().__init__(stop)
        self.browser, self.notes = browser, notes

    def work(self) -> None:
        n = 0
        while not self.stop.is_set():
            for note in self.notes:
                n += 1
                text = f"Save {n} of note {note.pk}: slept better, argued less."
                fields = [*note.form, ("version", note.version)]
                fields += [("symptom_review", text), ("interval_events", text[::-1])]
                reply, _ = self.browser.request_until_answered("POST", note.path, fields)
                if reply.status != 200:
                    self.problems.append(f"autosave {note.pk}: {reply.status} {reply.body[:200]}")
                    continue
                note.version = json.loads(reply.body)["version"]
                note.acks.append((note.version, text))


class QuestionnaireTaker(Client):
    """Opens each invitation e-mail as it arrives and answers the PHQ-9 behind its link."""

    def __init__(self, stop: threading.Event, browser: Browser, mail: Path, seed: int) -> None:
        super().__init__(stop)
        self.browser, self.mail, self.rng = browser, mail, random.Random(seed)
        # token → {instrument: answers}, confirmed by a 200, or "already used" after a retry
        self.acked: dict[str, dict[str, dict[str, int]]] = {}
        self.late: dict[str, dict[str, dict[str, int]]] = {}
        self.seen: set[str] = set()
        self.sizes: dict[Path, int] = {}

    def work(self) -> None:
        while not self.stop.is_set():
            for token in self._new_links():
                if self.stop.is_set():
                    return
                self._answer(token)
            time.sleep(0.1)

    def _new_links(self) -> list[str]:
        messages = []
        for path in self.mail.glob("*.log"):  # only files written since the last look
            size = path.stat().st_size
            if self.sizes.get(path) != size:
                self.sizes[path] = size
                messages += processes.read_messages(path)[0]
        tokens = [LINK.search(text_of(m)) for m in messages if m["Subject"] == INVITATION]
        fresh = [t.group(1) for t in tokens if t and t.group(1) not in self.seen]
        self.seen.update(fresh)
        return fresh

    def _answer(self, token: str) -> None:
        """Open the link, then answer every question it asks (never a safety answer)."""
        path = reverse("questionnaires:form", args=[token])
        page, _ = self.browser.request_until_answered("GET", path)
        asked = sorted(set(QUESTION.findall(page.body.decode())))
        answers: dict[str, dict[str, int]] = {}
        for code, key in asked:
            if key != "difficulty" and (code, key) != ("phq9", "q9"):
                answers.setdefault(code, {})[key] = self.rng.randint(0, 2)
        for code, given in answers.items():
            given.update({"q9": 0} if code == "phq9" else {})
            if sum(given.values()) and (code, "difficulty") in asked:
                given["difficulty"] = self.rng.randint(0, 3)
        fields = [(f"{c}-{k}", v) for c, given in answers.items() for k, v in given.items()]
        reply, retried = self.browser.request_until_answered("POST", path, fields)
        if reply.status == 200 and b"your answers are sent" in reply.body:
            self.acked[token] = answers
        elif reply.status == 410 and retried:  # the unanswered try went through
            self.late[token] = answers
        else:
            errors = re.findall(rb'<li><a href="#[^"]*">([^<]*)</a>', reply.body)
            self.problems.append(
                f"questionnaire: {reply.status} {errors or reply.body[:200]} {_link_state(token)}"
            )


def _link_state(token: str) -> str:
    """What the database says of a link, to explain an unexpected refusal of it."""
    link = Invitation.objects.filter(token_hash=hash_token(token)).first()
    if link is None:
        return "(no invitation has this token)"
    answered = Response.objects.filter(invitation=link).values_list("submitted_at", flat=True)
    return (
        f"(invitation {link.pk}: {link.status}, sent {link.sent_at:%H:%M:%S.%f}, "
        f"used {link.used_at}, expires {link.expires_at}, responses at {list(answered)})"
    )


@dataclass
class Booking:
    path: str
    episode: Any
    first: date
    at: str
    acked: bool = False
    late: bool = False


class Booker(Client):
    """Books each course from its contract, one after another through the run."""

    def __init__(self, stop: threading.Event, browser: Browser, bookings: list[Booking]) -> None:
        super().__init__(stop)
        self.browser, self.bookings = browser, bookings

    def work(self) -> None:
        for booking in self.bookings:
            if self.stop.wait(0.5):
                return
            fields = [("first", booking.first.isoformat()), ("at", booking.at)]
            fields += [("time_zone", ZONE), ("video_link", "")]
            reply, retried = self.browser.request_until_answered("POST", booking.path, fields)
            if reply.status == 302:
                booking.acked = True
            elif reply.status == 200 and retried:
                booking.late = True  # the unanswered try booked it: the page shows the course
            else:
                self.problems.append(f"booking: {reply.status} {reply.body[:200]}")


class Clock(Client):
    """Time passing: reminders and invitations fall due in step with the kill plan, and a
    killed worker's claims lapse (as its 5-minute lease would) so another takes them."""

    def __init__(self, stop: threading.Event, worker: Supervised, progress: Any) -> None:
        super().__init__(stop)
        self.worker, self.progress = worker, progress
        self.pools = {
            Reminder: Reminder.objects.filter(status=Reminder.Status.PENDING),
            Invitation: Invitation.objects.filter(status=Invitation.Status.SCHEDULED),
        }
        self.sizes = {model: rows.count() for model, rows in self.pools.items()}
        self.made_due = dict.fromkeys(self.pools, 0)

    def work(self) -> None:
        while not self.stop.wait(0.2):
            now = timezone.now()
            for model, rows in self.pools.items():
                target = math.ceil(self.sizes[model] * self.progress())
                ids = (
                    rows.filter(send_at__gt=now)
                    .order_by("send_at", "pk")
                    .values_list("pk", flat=True)
                )
                ids = list(ids[: max(0, target - self.made_due[model])])
                self.made_due[model] += model.objects.filter(pk__in=ids).update(send_at=now)
            lapse_claims(self.worker.dead_workers(), now)


def lapse_claims(workers: list[str] | None, now: datetime) -> None:
    """End the claims of ``workers`` (None: every worker) as their lease running out would."""
    for model in (Reminder, Invitation, OutboundEmail):
        held = model.objects.filter(claimed_until__gt=now)
        if workers is not None:
            held = held.filter(claimed_by__in=workers)
        held.update(claimed_until=now)


# --- the clinic -----------------------------------------------------------------------------


def prepare(kills: int) -> SimpleNamespace:
    """A clinic with notes to write, courses to book, and reminders and invitations that
    fall due during the run (scheduled far ahead until the clock brings them forward)."""
    clinic = make_clinic("Crash")
    SchedulingSettings.objects.create(clinic=clinic, reminder_lead_minutes=[120])
    therapist = make_staff(clinic, "crash-therapist", Role.THERAPIST)
    colleague = make_staff(clinic, "crash-colleague", Role.THERAPIST)
    notes = [make_note(make_episode(make_client(clinic, therapist))) for _ in range(6)]
    episodes = [make_episode(make_client(clinic, therapist)) for _ in range(_bookings(kills))]
    for episode in episodes:
        contract(episode, planned=4)
    later = timezone.now() + timedelta(days=300)
    people = [make_client(clinic, colleague) for _ in range(kills + 10)]
    phq9 = [instruments.get("phq9")]
    for person in people:
        create_invitation(person, due=phq9, send_at=later, created_by=colleague)
    _appointments(clinic, colleague, people, count=2 * kills + 20, start=later)
    return SimpleNamespace(therapist=therapist, notes=notes, episodes=episodes)


def _bookings(kills: int) -> int:
    return min(len(SLOTS), max(12, kills // 4))


def _appointments(clinic: Any, therapist: Any, people: list, count: int, start: datetime) -> None:
    booked = Appointment.objects.bulk_create(
        Appointment(
            clinic=clinic,
            client=people[i % len(people)],
            therapist=therapist,
            starts_at=start + timedelta(hours=i),
            ends_at=start + timedelta(hours=i, minutes=50),
        )
        for i in range(count)
    )
    Reminder.objects.bulk_create(
        Reminder(appointment=a, lead_minutes=120, send_at=a.starts_at - timedelta(minutes=120))
        for a in booked
    )


def note_states(notes: list[SessionNote]) -> list[NoteState]:
    states = []
    for note in notes:
        form = note_form(note)
        fields = [
            (name, item)
            for name, value in form.items()
            if name not in ("version", "symptom_review", "interval_events")
            for item in (value if isinstance(value, list) else [value])
        ]
        path = reverse("ipt:note_autosave", args=[note.public_id])
        states.append(NoteState(path=path, pk=note.pk, form=fields))
    return states


def bookings(episodes: list) -> list[Booking]:
    first = timezone.localdate() + timedelta(days=14)
    return [
        Booking(
            path=reverse("ipt:book_series", args=[episode.public_id]),
            episode=episode,
            first=first + timedelta(days=day),
            at=f"{hour:02d}:00",
        )
        for episode, (day, hour) in zip(episodes, SLOTS, strict=False)
    ]


# --- the run --------------------------------------------------------------------------------


@dataclass
class Report:
    kills: dict[str, int]
    seed: int
    saves: int = 0
    unanswered: int = 0
    submissions: int = 0
    bookings: int = 0
    reminders: int = 0
    invitations: int = 0
    confirmations: int = 0
    torn: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)  # unexpected answers to clients
    lost_saves: list[str] = field(default_factory=list)
    lost_submissions: list[str] = field(default_factory=list)
    lost_bookings: list[str] = field(default_factory=list)
    sent_twice: list[str] = field(default_factory=list)  # two different messages for one
    resent: list[str] = field(default_factory=list)  # the same message again after a kill
    not_sent: list[str] = field(default_factory=list)

    def summary(self) -> str:
        failed = {
            name: len(getattr(self, name))
            for name in (
                "problems",
                "lost_saves",
                "lost_submissions",
                "lost_bookings",
                "sent_twice",
                "not_sent",
            )
        }
        return (
            f"crash run (seed {self.seed}): {sum(self.kills.values())} kills "
            f"(app server {self.kills['web']}, worker {self.kills['worker']}) in "
            f"{self.seconds:.0f} s; acknowledged: {self.saves} autosaves, {self.submissions} "
            f"questionnaire submissions, {self.bookings} bookings; {self.unanswered} requests "
            f"unanswered and retried; e-mail: {self.reminders} reminders, {self.invitations} "
            f"invitations, {self.confirmations} booking confirmations, {self.torn} torn by a "
            f"kill, {len(self.resent)} sent again after a "
            f"kill between handing over and marking sent; failures: {failed}"
        ) + "".join(f"\n  {name}: {getattr(self, name)[:5]}" for name, n in failed.items() if n)


def run(world: SimpleNamespace, kills: int, seed: int, workdir: Path, session: str) -> Report:
    mail, logs = workdir / "mail", workdir / "logs"
    mail.mkdir()
    logs.mkdir()
    env = processes.child_env(mail)
    web = Supervised("web", env, logs, processes.free_port())
    worker = Supervised("worker", env, logs, 0)
    lives = plan(kills, seed)
    began = time.monotonic()
    stop = threading.Event()
    note_list = note_states(world.notes)
    booking_list = bookings(world.episodes)
    staff = Browser(web.base, session)
    clients = [
        NoteWriter(stop, staff, note_list[:3]),
        NoteWriter(stop, Browser(web.base, session), note_list[3:]),
        QuestionnaireTaker(stop, Browser(web.base), mail, seed),
        Booker(stop, Browser(web.base, session), booking_list),
    ]
    clock = Clock(stop, worker, lambda: min(1.0, (web.kills + worker.kills + 1) / kills))
    killers = [Killer(target, lives[target.name]) for target in (web, worker)]
    try:
        for target in (web, worker):
            target.start()
        for target in (web, worker):
            target.wait_ready()
        for thread in [*clients, clock, *killers]:
            thread.start()
        for thread in killers:
            thread.join()
    finally:
        stop.set()
        for thread in [*clients, clock, *killers]:
            if thread.is_alive():
                thread.join(timeout=ANSWER_GUARD)
        for target in (web, worker):
            if target.child is not None:
                processes.stop(target.child)
    for thread in [*killers, *clients, clock]:
        if thread.error is not None:
            raise thread.error
    drain(env, logs)
    report = Report(kills={"web": web.kills, "worker": worker.kills}, seed=seed)
    report.seconds = time.monotonic() - began
    report.problems = [p for c in clients for p in c.problems]
    report.unanswered = sum(b.unanswered for b in {c.browser for c in clients})
    check_saves(report, note_list)
    check_submissions(report, clients[2])
    check_bookings(report, booking_list)
    check_emails(report, mail)
    return report


class Killer(Client):
    """Lets ``target`` live each planned life once it is up, then SIGKILLs and restarts it."""

    def __init__(self, target: Supervised, lives: list[float]) -> None:
        super().__init__(threading.Event())
        self.target, self.lives = target, lives

    def work(self) -> None:
        for life in self.lives:
            self.target.wait_ready()
            time.sleep(life)
            self.target.kill()
            self.target.start()
        self.target.wait_ready()


def drain(env: dict[str, str], logs: Path) -> None:
    """Every worker is gone: their claims lapse, then one worker sends what is due and exits."""
    lapse_claims(None, timezone.now())
    args = [sys.executable, "manage.py", "worker", "--drain", "--name", "crash-drain"]
    with (logs / "drain.log").open("ab") as out:
        subprocess.run(
            args, cwd=processes.REPO, env=env, stdout=out, stderr=out, timeout=DRAIN_GUARD
        ).check_returncode()


# --- the checks -------------------------------------------------------------------------------


def check_saves(report: Report, notes: list[NoteState]) -> None:
    """Each acknowledged autosave made exactly one new version, and the last one is what
    the database holds (read through the model, which decrypts it)."""
    for note in notes:
        report.saves += len(note.acks)
        versions = [version for version, _ in note.acks]
        if versions != list(range(2, 2 + len(versions))):
            report.lost_saves.append(f"note {note.pk}: acknowledged versions {versions}")
        stored = SessionNote.objects.get(pk=note.pk)
        version, text = note.acks[-1] if note.acks else (1, stored.symptom_review)
        held = (stored.version, stored.symptom_review, stored.interval_events)
        if held != (version, text, text[::-1]):
            report.lost_saves.append(f"note {note.pk}: acknowledged v{version}, holds {held}")


def check_submissions(report: Report, taker: QuestionnaireTaker) -> None:
    """Each answered link is completed, with the answers given (decrypted)."""
    submitted = taker.acked | taker.late
    report.submissions = len(taker.acked)
    for token, answers in submitted.items():
        invitation = Invitation.objects.get(token_hash=hash_token(token))
        stored = {r.instrument: r.answers for r in Response.objects.filter(invitation=invitation)}
        if invitation.status != Invitation.Status.COMPLETED or stored != answers:
            report.lost_submissions.append(f"invitation {invitation.pk}: {invitation.status}")


def check_bookings(report: Report, booked: list[Booking]) -> None:
    """Each acknowledged course is booked once: every session, each with its reminder, and
    one confirmation e-mail for the course."""
    for booking in booked:
        if not (booking.acked or booking.late):
            continue
        report.bookings += booking.acked
        series = Series.objects.filter(context_id=booking.episode.public_id)
        sessions = Appointment.objects.filter(series__in=series, status=Appointment.Status.BOOKED)
        reminders = Reminder.objects.filter(appointment__in=sessions).count()
        confirmed = BookingConfirmation.objects.filter(series__in=series).count()
        found = (series.count(), sessions.count(), reminders, confirmed)
        if found != (1, 4, 4, 1):
            report.lost_bookings.append(f"episode {booking.episode.pk}: {found}")


def check_emails(report: Report, mail: Path) -> None:
    """Each due reminder and invitation was written once, and nothing else was.

    The one copy allowed more: the message a killed worker had handed over but not yet
    marked sent, which goes again as the same message (same Message-ID)."""
    messages, report.torn = processes.written_messages(mail)
    written: dict[tuple[str, str, str], list[str]] = {}
    for message in messages:
        key = _email_key(message)
        if key is None:
            report.problems.append(f"unexpected e-mail: {message['Subject']}")
            continue
        written.setdefault(key, []).append(message["Message-ID"])
    for kind in ("reminder", "invitation", "confirmation"):
        count = sum(len(ids) for key, ids in written.items() if key[0] == kind)
        setattr(report, f"{kind}s", count)
    for key, ids in written.items():
        if len(set(ids)) > 1:
            report.sent_twice.append(f"{key}: {len(ids)} different messages")
        elif len(ids) > 1:
            report.resent.append(f"{key}: {len(ids)} copies of {ids[0]}")
    wanted = _marked_sent()
    report.not_sent += [f"{key} marked sent, not written" for key in wanted - written.keys()]
    report.problems += [f"{key} written, not marked sent" for key in written.keys() - wanted]
    due = {"send_at__lte": timezone.now()}
    unsent = [
        *Reminder.objects.filter(**due).exclude(status=Reminder.Status.SENT),
        *Invitation.objects.filter(**due, status=Invitation.Status.SCHEDULED),
        *OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT),
    ]
    report.not_sent += [f"{type(row).__name__} {row.pk} due, not sent" for row in unsent]


def _email_key(message: Message) -> tuple[str, str, str] | None:
    """What an e-mail is for: a reminder (its appointment), an invitation (its link's
    token) or a booking confirmation (the appointments its calendar file adds)."""
    if message["Subject"] == REMINDER:
        return ("reminder", message["To"], UID.search(calendar_of(message)).group(1))
    if message["Subject"] == INVITATION:
        return ("invitation", message["To"], hash_token(LINK.search(text_of(message))[1]))
    if message["Subject"] in CONFIRMATION:
        return ("confirmation", message["To"], " ".join(sorted(UID.findall(calendar_of(message)))))
    return None


def _marked_sent() -> set[tuple[str, str, str]]:
    reminders = Reminder.objects.filter(status=Reminder.Status.SENT)
    invitations = Invitation.objects.filter(
        status__in=[Invitation.Status.SENT, Invitation.Status.COMPLETED]
    )
    confirmations = OutboundEmail.objects.filter(
        status=OutboundEmail.Status.SENT, booking_confirmation__isnull=False
    ).select_related("booking_confirmation__appointment", "booking_confirmation__series")
    return {
        *(
            ("reminder", r.appointment.client.email, str(r.appointment.public_id))
            for r in reminders.select_related("appointment__client")
        ),
        *(
            ("invitation", i.client.email, i.token_hash)
            for i in invitations.select_related("client")
        ),
        *(_confirmation_key(email) for email in confirmations),
    }


def _confirmation_key(email: OutboundEmail) -> tuple[str, str, str]:
    booked = email.booking_confirmation
    sessions = Appointment.objects.filter(series=booked.series) if booked.series else None
    uids = [str(a.public_id) for a in sessions] if sessions else [str(booked.appointment.public_id)]
    return ("confirmation", email.recipient, " ".join(sorted(uids)))


def text_of(message: Message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode()


def calendar_of(message: Message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return part.get_payload(decode=True).decode()
