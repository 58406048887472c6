"""The worker: claims on due rows, real worker processes, exactly-once sending."""

from __future__ import annotations

import email
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client as HttpClient
from django.utils import timezone

from rapport.core import jobs
from rapport.core.models import OutboundEmail, WorkerHeartbeat
from rapport.core.outbox import queue_email

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = "core/emails/two_factor_enabled"
# What the file-based e-mail backend writes after every message.
SEPARATOR = b"\n" + b"-" * 79 + b"\n"
START = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)


def _test_database_url() -> str:
    """The database this test runs on, as DATABASE_URL for a child process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "localhost"
    return f"postgres://{quote(db['USER'])}{password}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


def _worker_env(**extra: str) -> dict[str, str]:
    # Drop any e-mail settings of the shell so the child uses exactly what the test says.
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")}
    env["DATABASE_URL"] = _test_database_url()
    env.update(extra)
    return env


@contextmanager
def _worker(*args: str, **env: str) -> Iterator[subprocess.Popen[str]]:
    """A real ``manage.py worker`` process; always reaped, pipes always closed."""
    process = subprocess.Popen(
        [sys.executable, "manage.py", "worker", *args],
        cwd=REPO,
        env=_worker_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
        process.wait()


def _sent_recipients(directory: Path) -> Counter[str]:
    """Every message the file-based backend wrote, counted by recipient."""
    found: Counter[str] = Counter()
    for path in directory.glob("*.log"):
        for chunk in path.read_bytes().split(SEPARATOR):
            if chunk.strip():
                found[email.message_from_bytes(chunk)["To"]] += 1
    return found


def _due() -> Any:
    return OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING)


# --- Claims -------------------------------------------------------------------


def test_it_does_not_claim_a_row_leased_to_another_worker(db: None) -> None:
    row = queue_email(TEMPLATE, to="a@example.com")
    assert jobs.claim(_due(), worker="A") == [row.pk]
    assert jobs.claim(_due(), worker="B") == []
    row.refresh_from_db()
    assert row.claimed_by == "A"


def test_it_lets_another_worker_claim_once_the_lease_lapses(db: None) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        row = queue_email(TEMPLATE, to="a@example.com")
        assert jobs.claim(_due(), worker="A", lease=timedelta(minutes=5)) == [row.pk]
        traveller.shift(timedelta(minutes=4, seconds=59))
        assert jobs.claim(_due(), worker="B") == []
        # A crashed worker's rows come back once its lease is over.
        traveller.shift(timedelta(seconds=2))
        assert jobs.claim(_due(), worker="B") == [row.pk]
    row.refresh_from_db()
    assert row.claimed_by == "B"


def test_it_never_returns_the_same_id_from_two_claims(db: None) -> None:
    rows = [queue_email(TEMPLATE, to=f"p{i}@example.com").pk for i in range(5)]
    first = jobs.claim(_due(), worker="A", limit=3)
    second = jobs.claim(_due(), worker="B", limit=3)
    assert len(first) == 3
    assert not set(first) & set(second)
    assert sorted(first + second) == sorted(rows)


def test_it_splits_rows_between_concurrent_claimers(transactional_db: None) -> None:
    rows = [queue_email(TEMPLATE, to=f"p{i}@example.com").pk for i in range(80)]
    start = threading.Barrier(4)
    claimed: list[int] = []
    errors: list[BaseException] = []

    def claimer(name: str) -> None:
        # Each thread has its own database connection, like separate workers.
        try:
            start.wait()
            while got := jobs.claim(_due(), worker=name, limit=7):
                claimed.extend(got)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    names = [f"t{i}" for i in range(4)]
    threads = [threading.Thread(target=claimer, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sorted(claimed) == sorted(rows)  # each row exactly once, none lost
    assert set(OutboundEmail.objects.values_list("claimed_by", flat=True)) <= set(names)


# --- Worker processes ---------------------------------------------------------


def test_it_sends_each_email_exactly_once_with_two_workers(
    transactional_db: None, tmp_path: Path
) -> None:
    # More than two workers claim in one pass (2 x 50): draining must go round again.
    recipients = {f"person{i}@example.com" for i in range(120)}
    for address in sorted(recipients):
        queue_email(TEMPLATE, to=address)

    # Both workers start together and race for the same rows.
    with (
        _worker("--drain", "--name", "w-a", EMAIL_FILE_PATH=str(tmp_path)) as a,
        _worker("--drain", "--name", "w-b", EMAIL_FILE_PATH=str(tmp_path)) as b,
    ):
        results = [process.communicate(timeout=120) for process in (a, b)]
    assert (a.returncode, b.returncode) == (0, 0), results

    assert _sent_recipients(tmp_path) == Counter(recipients)
    statuses = Counter(OutboundEmail.objects.values_list("status", "attempts"))
    assert statuses == {(OutboundEmail.Status.SENT, 1): len(recipients)}
    assert set(OutboundEmail.objects.values_list("claimed_by", flat=True)) <= {"w-a", "w-b"}


def test_it_writes_a_heartbeat_on_each_run(transactional_db: None, tmp_path: Path) -> None:
    before = timezone.now()
    with _worker("--name", "one-shot", EMAIL_FILE_PATH=str(tmp_path)) as process:
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    beat = WorkerHeartbeat.objects.get(name="one-shot")
    assert before <= beat.seen_at <= timezone.now()
    # The operators' health check now sees a live worker.
    assert HttpClient().get("/healthz").json()["worker"] == "ok"


def test_it_stops_a_looping_worker_on_sigterm(transactional_db: None, tmp_path: Path) -> None:
    # A long interval: stopping promptly proves the sleep is interruptible.
    with _worker(
        "--loop", "--interval", "60", "--name", "looper", EMAIL_FILE_PATH=str(tmp_path)
    ) as process:
        deadline = time.monotonic() + 30
        while not WorkerHeartbeat.objects.filter(name="looper").exists():
            assert process.poll() is None, "worker exited before its first heartbeat"
            assert time.monotonic() < deadline, "no heartbeat within 30 s"
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=5)
    assert process.returncode == 0, stderr
    assert "worker stopped" in stderr


# --- The worker in-process ----------------------------------------------------


@pytest.fixture
def _scratch_jobs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A private job registry and the process's own signal handlers, both restored."""
    monkeypatch.setattr(jobs, "_JOBS", dict(jobs._JOBS))
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    yield
    for sig, handler in handlers.items():
        signal.signal(sig, handler)


@pytest.mark.usefixtures("_scratch_jobs")
def test_it_runs_the_other_jobs_when_one_fails(
    transactional_db: None, caplog: pytest.LogCaptureFixture
) -> None:
    ran: list[str] = []

    @jobs.register("broken")
    def broken(worker: str) -> int:
        raise RuntimeError("boom")

    @jobs.register("counting")
    def counting(worker: str) -> int:
        ran.append(worker)
        return 0

    call_command("worker", name="in-process")
    assert ran == ["in-process"]
    assert any(r.getMessage() == "job failed" and r.job == "broken" for r in caplog.records)


def _idle_pass_queries(*, checkpoint_probe: bool = False) -> int:
    from django.test.utils import CaptureQueriesContext

    from rapport.core import audit_checkpoints
    from rapport.core.management.commands.worker import Command

    worker = Command()
    worker.stopping = False
    worker.run_once("idle")  # the first pass also writes the heartbeat row
    # The checkpoint export looks for due chains once a minute, not on every pass.
    audit_checkpoints._next_probe["at"] = 0.0 if checkpoint_probe else float("inf")
    try:
        with CaptureQueriesContext(connection) as queries:
            assert worker.run_once("idle") == 0
    finally:
        audit_checkpoints._next_probe["at"] = 0.0
    return len(queries)


def test_an_idle_pass_is_a_few_probes_however_much_waits_for_later(db: None) -> None:
    quiet = _idle_pass_queries()
    later = START + timedelta(days=3650)
    OutboundEmail.objects.bulk_create(
        OutboundEmail(recipient="a@example.org", subject="Later", due_at=later) for _ in range(300)
    )
    assert _idle_pass_queries() == quiet
    # 1 heartbeat update, 5 claim probes (reminders, invitations, escalations, outbox,
    # FHIR bulk exports), 1 audit chains with unsealed events: no transaction, no lock,
    # no row read.
    assert quiet == 7
    # Once a minute, one more: the audit chains due for a checkpoint export.
    assert _idle_pass_queries(checkpoint_probe=True) == quiet + 1
