"""Scale-out on PostgreSQL: 3 worker processes and 2 app servers under load send every
due reminder and questionnaire invitation exactly once (docs/scaling.md).

Everything runs as it does in production: ``gunicorn rapport.wsgi`` and
``manage.py worker --loop`` as separate processes on the committed test
database, e-mail written by the file backend so every message sent is counted.
"""

from __future__ import annotations

import signal
import threading
from collections import Counter
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from rapport.core.models import OutboundEmail, Role, WorkerHeartbeat
from rapport.measures import instruments
from rapport.measures.invitations import create_invitation
from rapport.measures.models import Invitation
from rapport.scheduling import reminders
from rapport.scheduling.models import Appointment, Reminder, SchedulingSettings
from tests.factories import make_client, make_clinic, make_staff, signed_in
from tests.processes import (
    answers,
    app_server,
    child_env,
    free_port,
    get,
    process,
    wait_until,
    worker,
    written_messages,
)

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="scale-out (several app servers and workers sharing one database server) is a "
    "PostgreSQL deployment; SQLite serves one machine (tests/core/test_worker.py covers it)",
)

PEOPLE = 200
WORKERS = 3
APP_SERVERS = 2
# Failure guards only (the test passes as soon as the work is done), never a timing check.
STARTUP_GUARD = 60
DRAIN_GUARD = 150
SUBJECTS = {
    "Appointment reminder": "reminder",
    "Your check-in before your next appointment": "invitation",
}


class Load:
    """Threads GETting the health check and signed-in pages on every app server."""

    def __init__(self, bases: list[str], cookie: str, paths: list[str]) -> None:
        self.stop = threading.Event()
        self.statuses: Counter[int] = Counter()
        self.errors: list[str] = []
        self.urls = [(base, path) for base in bases for path in paths]
        self.cookie = cookie
        self.threads = [threading.Thread(target=self._run, args=(i,)) for i in range(4)]

    def _run(self, offset: int) -> None:
        i = offset
        while not self.stop.is_set():
            base, path = self.urls[i % len(self.urls)]
            try:
                self.statuses[get(base, path, self.cookie)] += 1
            except OSError as error:
                self.errors.append(f"{base}{path}: {type(error).__name__}")
            i += 1

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


def _people() -> SimpleNamespace:
    """PEOPLE clients, each with a booked appointment (one reminder) and one invitation,
    both scheduled a year ahead: they fall due once every worker is running."""
    clinic = make_clinic("Scale")
    SchedulingSettings.objects.create(clinic=clinic, reminder_lead_minutes=[120])
    therapist = make_staff(clinic, "scale-therapist", Role.THERAPIST)
    later = timezone.now() + timedelta(days=365)
    phq9 = instruments.get("phq9")
    addresses = []
    for i in range(PEOPLE):
        client = make_client(clinic, therapist, email=f"person{i}@scale.example")
        addresses.append(client.email)
        appointment = Appointment.objects.create(
            clinic=clinic,
            client=client,
            therapist=therapist,
            starts_at=later + timedelta(hours=i),
            ends_at=later + timedelta(hours=i, minutes=50),
        )
        reminders.schedule(appointment)
        create_invitation(client, due=[phq9], send_at=later, created_by=therapist)
    assert Reminder.objects.count() == Invitation.objects.count() == PEOPLE
    return SimpleNamespace(therapist=therapist, addresses=addresses)


def _fall_due() -> None:
    """Every appointment starts in an hour, so its 2-hour reminder is due; invitations now."""
    now = timezone.now()
    start = now + timedelta(hours=1)
    Appointment.objects.update(starts_at=start, ends_at=start + timedelta(minutes=50))
    Reminder.objects.update(send_at=now - timedelta(hours=1))
    Invitation.objects.update(send_at=now)


def _outstanding() -> dict[str, int]:
    return {
        "reminders": Reminder.objects.filter(status=Reminder.Status.PENDING).count(),
        "invitations": Invitation.objects.filter(status=Invitation.Status.SCHEDULED).count(),
        "emails": OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).count(),
    }


def _sent_messages(directory: Path) -> Counter[tuple[str, str]]:
    """Every message the file backend wrote, counted by (recipient, kind)."""
    messages, torn = written_messages(directory)
    assert not torn
    return Counter((m["To"], SUBJECTS.get(m["Subject"], m["Subject"])) for m in messages)


def test_it_sends_each_reminder_and_invitation_once_with_3_workers_and_2_app_servers(
    transactional_db: None, tmp_path: Path
) -> None:
    people = _people()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = child_env(mail_dir)
    http = signed_in(people.therapist)  # a committed session the app servers accept
    cookie = f"{settings.SESSION_COOKIE_NAME}={http.cookies[settings.SESSION_COOKIE_NAME].value}"
    ports = [free_port() for _ in range(APP_SERVERS)]
    bases = [f"http://127.0.0.1:{port}" for port in ports]

    with ExitStack() as stack:
        children = [
            stack.enter_context(process(app_server(port), env, tmp_path / f"web-{port}.log"))
            for port in ports
        ]
        names = [f"scale-w{i}" for i in range(WORKERS)]
        children += [
            stack.enter_context(process(worker(name), env, tmp_path / f"{name}.log"))
            for name in names
        ]
        wait_until(
            lambda: (
                all(answers(base) for base in bases)
                and WorkerHeartbeat.objects.filter(name__in=names).count() == WORKERS
            ),
            STARTUP_GUARD,
            "the app servers and workers to start",
            children,
        )
        paths = ["/healthz", reverse("core:dashboard"), reverse("clients:list")]
        with Load(bases, cookie, paths) as load:
            _fall_due()
            wait_until(lambda: not any(_outstanding().values()), DRAIN_GUARD, "due work", children)
        # Workers stop cleanly on SIGTERM (what a supervisor sends on deploy).
        workers = children[APP_SERVERS:]
        for child in workers:
            child.send_signal(signal.SIGTERM)
        assert [child.wait(timeout=30) for child in workers] == [0] * WORKERS

    # The app servers served signed-in pages throughout, never an error or a sign-in redirect.
    assert not load.errors, load.errors[:5]
    assert set(load.statuses) == {200}, load.statuses
    # Exactly one reminder and one invitation e-mail per person: none twice, none missing.
    expected = Counter({(a, kind): 1 for a in people.addresses for kind in SUBJECTS.values()})
    assert _sent_messages(mail_dir) == expected
    assert Counter(Reminder.objects.values_list("status", flat=True)) == {"sent": PEOPLE}
    assert Counter(Invitation.objects.values_list("status", flat=True)) == {"sent": PEOPLE}
    # Invitations go through the outbox: one row each, sent on its first attempt.
    outbox = [(e.recipient, e.status, e.attempts) for e in OutboundEmail.objects.all()]
    assert Counter(outbox) == Counter((a, "sent", 1) for a in people.addresses)
    # The work really was shared: more than one worker claimed rows.
    claimers = {
        *Reminder.objects.values_list("claimed_by", flat=True),
        *Invitation.objects.values_list("claimed_by", flat=True),
        *OutboundEmail.objects.values_list("claimed_by", flat=True),
    }
    assert claimers <= set(names)
    assert len(claimers) >= 2, claimers
