"""``make bench``: the pages of a synthetic practice under load, as production serves them.

For each database (PostgreSQL, SQLite) and factor, a child process:

1. makes an empty database of its own (PostgreSQL: drops and creates ``rapport_bench``;
   SQLite: a fresh file under ``var/bench/``), migrates it and runs ``seed_scale``;
2. signs the bench's users in by writing their sessions to the session store, as
   ``force_login`` does, already past the second factor (the bench measures pages,
   not sign-in), and issues one questionnaire link for the public page;
3. counts each page's queries and decrypted values once, in process, with the same
   database and settings;
4. starts gunicorn exactly as ``make run`` does (2 workers, 4 threads each, DEBUG off,
   WhiteNoise) and drives each page from 16 keep-alive connections on loopback for
   a fixed time, after a short warm-up;
5. times the worker's idle cycle and ``verify_audit --incremental``;
6. writes ``var/bench/<time>-<database>-<factor>.json`` and prints a markdown table.

The floor is ``/start/`` as a signed-in therapist: the whole middleware stack,
session, user, second-factor check and session write, with a view that only
redirects (302). "÷ floor" is the floor's req/s divided by the page's.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from rapport.scale.stats import LoadResult, floor_ratio, median

ROOT = Path(__file__).resolve().parent.parent.parent
PYTHON = sys.executable
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/rapport_bench"
# Long enough that no request is abandoned: the next page starts on an idle server.
REQUEST_TIMEOUT = 900


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    cookie: str  # the session cookie header, or "" for the public page
    status: int = 200


# --- the orchestrator (no Django here: each run has its own settings) ------------------


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.one:
        return run_one(args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    env = production_env(args)
    reports = []
    for database in args.databases.split():
        for factor in args.factors.split():
            child = [PYTHON, "-m", "rapport.scale.bench", "--one", *forward(args, database, factor)]
            done = subprocess.run(child, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE)  # noqa: S603
            path = done.stdout.decode().strip().splitlines()[-1]
            reports.append(json.loads(Path(path).read_text()))
    print()
    for report in reports:
        print(markdown(report))
    print(comparison(reports))
    return 0


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factors", default=os.environ.get("FACTORS", "1 10"))
    parser.add_argument("--databases", default="postgresql sqlite")
    parser.add_argument("--duration", type=float, default=10.0, help="Seconds of load per page.")
    parser.add_argument("--warmup", type=float, default=1.0, help="Seconds before measuring.")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--worker-runs", type=int, default=50)
    parser.add_argument(
        "--settle",
        type=float,
        default=None,
        help="Seconds to let the load's audit events settle before sealing (default: the "
        "sealing delay).",
    )
    parser.add_argument("--out", default=str(ROOT / "var" / "bench"))
    parser.add_argument(
        "--postgres-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG_URL)
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Measure the database a previous run seeded at this factor instead of a new one.",
    )
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--factor", help=argparse.SUPPRESS)
    return parser


def forward(args: argparse.Namespace, database: str, factor: str) -> list[str]:
    return [
        f"--database={database}",
        f"--factor={factor}",
        f"--duration={args.duration}",
        f"--warmup={args.warmup}",
        f"--connections={args.connections}",
        f"--port={args.port}",
        f"--worker-runs={args.worker_runs}",
        *([f"--settle={args.settle}"] if args.settle is not None else []),
        f"--out={args.out}",
        f"--postgres-url={args.postgres_url}",
        *(["--reuse"] if args.reuse else []),
    ]


def production_env(args: argparse.Namespace) -> dict[str, str]:
    """Fresh secrets from the script ``make run`` uses, DEBUG off, mail to files."""
    made = subprocess.run(  # noqa: S603
        [PYTHON, str(ROOT / "scripts" / "make_local_env.py")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    env = dict(os.environ)
    env.update(line.split("=", 1) for line in made.splitlines() if "=" in line)
    env.update(
        DEBUG="0",
        RAPPORT_BASE_URL=f"http://127.0.0.1:{args.port}",
        EMAIL_FILE_PATH=str(Path(args.out) / "mail"),
        LOG_LEVEL="WARNING",
    )
    return env


# --- one run: one database, one factor ------------------------------------------------


def run_one(args: argparse.Namespace) -> int:
    out = Path(args.out)
    os.environ["DATABASE_URL"] = (
        database_url(args.database, args.postgres_url, out)
        if args.reuse
        else fresh_database(args.database, args.postgres_url, out)
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from rapport.scale import bench_export, bench_import

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    report: dict[str, Any] = {
        "database": args.database,
        "factor": float(args.factor),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "server": "gunicorn rapport.wsgi --workers 2 --threads 4",
        "connections": args.connections,
        "duration_s": args.duration,
        "floor": "GET /start/ as a signed-in therapist (302)",
    }
    report.update(reused(args.factor) if args.reuse else seed(float(args.factor)))
    report["worker_idle_cycle_ms"] = idle_worker_cycle_ms(args.worker_runs)
    report.update(bench_export.measure())  # FHIR bulk export, resources per second
    report.update(bench_import.measure())  # imports of earlier scores, ms per row (rolled back)
    pages = bench_pages()
    costs = {page.name: in_process_cost(page) for page in pages}
    loads = serve_and_load(pages, args)
    report["pages"] = page_rows(pages, costs, loads)
    report.update(verify_audit_timing(args.settle))
    path = out / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{args.database}-{args.factor}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(markdown(report), file=sys.stderr)
    print(path)
    return 0


def database_url(database: str, postgres_url: str, out: Path) -> str:
    if database == "sqlite":
        return f"sqlite:///{out / 'rapport-bench.sqlite3'}"
    return postgres_url


def fresh_database(database: str, postgres_url: str, out: Path) -> str:
    if database == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{out / 'rapport-bench.sqlite3'}{suffix}").unlink(missing_ok=True)
        return database_url(database, postgres_url, out)
    import psycopg

    parts = urlsplit(postgres_url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return postgres_url


def seed(factor: float) -> dict[str, Any]:
    from tqdm import tqdm

    from rapport.scale import seeding

    started = time.monotonic()
    with tqdm(total=seeding.Plan(factor).count("clients") + 1, unit="client") as bar:
        report = seeding.seed(factor, progress=bar.update)
    return {"seed_seconds": round(time.monotonic() - started, 1), "rows": report.counts}


def reused(factor: str) -> dict[str, Any]:
    """A database seeded by an earlier run: its sessions are counted, not re-made."""
    from rapport.clients.models import Client
    from rapport.scale import seeding

    clients = Client.objects.filter(clinic__name=seeding.CLINIC_NAME).count()
    if clients != seeding.Plan(float(factor)).count("clients") + 1:
        raise SystemExit(
            f"--reuse: the database holds {clients} scale clients, not factor {factor}"
        )
    return {"seed_seconds": None, "rows": {"client": clients}, "reused": True}


def bench_pages() -> list[Page]:
    """The pages of issue 9, for the first therapist (typical and 500-session clients)."""
    from rapport.clients.models import Client
    from rapport.core.models import User
    from rapport.ipt.models import Episode

    therapist = User.objects.get(username="scale-therapist-001")
    caseload = Client.objects.filter(assigned_therapist=therapist).order_by("pk")
    cookie = session_cookie(therapist)
    pages = [
        Page("floor", "/start/", cookie, status=302),
        Page("therapist dashboard", "/dashboard/", cookie),
        Page("client list", "/clients/", cookie),
        Page("calendar week", "/schedule/calendar/", cookie),
    ]
    for label, client in (("", caseload.first()), ("500-session client: ", caseload.last())):
        episode = Episode.objects.get(client=client)
        pages += [
            Page(f"{label}clinical tab", f"/clients/{client.public_id}/clinical/", cookie),
            Page(f"{label}episode overview", f"/episodes/{episode.public_id}/", cookie),
            Page(f"{label}notes list", f"/episodes/{episode.public_id}/notes/", cookie),
            Page(f"{label}measures tab", f"/episodes/{episode.public_id}/measures/", cookie),
        ]
        if not label:
            note = episode.notes.order_by("-number").first()
            pages.append(Page("session note", f"/episodes/notes/{note.public_id}/", cookie))
            pages.append(Page("public questionnaire", f"/q/{questionnaire_link(client)}/", ""))
    intake = User.objects.get(username="scale-intake")
    pages.append(Page("intake queue", "/intake/requests/", session_cookie(intake)))
    admin = User.objects.get(username="scale-admin")
    pages.append(Page("outcomes dashboard, clinic", "/reports/outcomes/", session_cookie(admin)))
    pages.append(Page("outcomes dashboard, caseload", "/reports/outcomes/", cookie))
    return pages


def session_cookie(user: Any) -> str:
    """A signed-in, second-factor-verified session, written as ``force_login`` writes it."""
    from django.conf import settings
    from django.test import Client as HttpClient
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    http = HttpClient()
    http.force_login(user)
    session = http.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def questionnaire_link(client: Any) -> str:
    """An e-mailed questionnaire link as the worker makes one: sent, open for a day."""
    from datetime import timedelta

    from django.utils import timezone

    from rapport.measures import invitations
    from rapport.measures.models import Invitation

    token, digest = invitations.new_token()
    now = timezone.now()
    Invitation.objects.create(
        client=client,
        context_id=client.episodes.get().public_id,
        instruments=["phq9", "gad7"],
        token_hash=digest,
        status=Invitation.Status.SENT,
        send_at=now,
        sent_at=now,
        expires_at=now + timedelta(days=1),
    )
    return token


def in_process_cost(page: Page) -> dict[str, int]:
    """Queries and decrypted values of one request (after a warming one)."""
    from django.db import connection
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext

    from rapport.core.crypto import counting_decryptions

    http = HttpClient(HTTP_HOST="127.0.0.1", HTTP_COOKIE=page.cookie)
    http.get(page.path)
    with CaptureQueriesContext(connection) as queries, counting_decryptions() as tally:
        response = http.get(page.path)
    if response.status_code != page.status:
        raise RuntimeError(f"{page.name} answered {response.status_code}")
    return {"queries": len(queries), "decrypted": tally.count}


def idle_worker_cycle_ms(runs: int) -> float:
    """Median time of the worker's one pass with nothing due."""
    import rapport.core.audit  # (registers the sealing job)
    import rapport.core.outbox  # noqa: F401  (registers the outbox job)
    from rapport.core.management.commands.worker import Command

    worker = Command()
    worker.stopping = False
    worker.run_once("bench")  # warm: connection, first heartbeat
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        worker.run_once("bench")
        times.append(time.perf_counter() - started)
    return round(median(times) * 1000, 2)


def verify_audit_timing(settle: float | None) -> dict[str, Any]:
    """Seal what the load wrote (once it settled), then time an incremental verification."""
    from io import StringIO

    from django.core.management import call_command

    from rapport.core import audit

    time.sleep(audit.SEAL_AFTER.total_seconds() if settle is None else settle)
    call_command("worker", "--drain", "--interval=0")
    out = StringIO()
    started = time.perf_counter()
    call_command("verify_audit", "--incremental", stdout=out)
    seconds = time.perf_counter() - started
    return {
        "verify_audit_incremental_s": round(seconds, 3),
        "verify_audit_output": out.getvalue().splitlines()[0],
    }


# --- the server and the load ------------------------------------------------------------


def serve_and_load(pages: list[Page], args: argparse.Namespace) -> dict[str, LoadResult]:
    from django.db import connections

    connections.close_all()
    server = start_server(args.port)
    try:
        warm(pages[0], args.port)
        return {page.name: load(page, args) for page in pages}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def start_server(port: int) -> subprocess.Popen:
    """gunicorn as scripts/serve starts it for ``make run``."""
    gunicorn = shutil.which("gunicorn", path=str(Path(PYTHON).parent)) or "gunicorn"
    command = [
        gunicorn, "rapport.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
        "--threads", "4", "--access-logfile", "-", "--graceful-timeout", "10",
        "--no-control-socket",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)  # noqa: S603
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def warm(page: Page, port: int, times: int = 8) -> None:
    """Each worker imports the URL configuration and views on its first requests: not measured."""
    headers = {"Cookie": page.cookie} if page.cookie else {}
    for _ in range(times):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        connection.request("GET", page.path, headers=headers)
        connection.getresponse().read()
        connection.close()


def load(page: Page, args: argparse.Namespace) -> LoadResult:
    """``connections`` threads, each on one keep-alive connection, for a fixed time."""
    warm_until = time.monotonic() + args.warmup
    stop_at = warm_until + args.duration
    shared: dict[str, Any] = {"latencies": [], "completed": 0, "errors": 0, "bytes": 0}
    lock = threading.Lock()
    threads = [
        threading.Thread(target=_client, args=(page, args.port, warm_until, stop_at, shared, lock))
        for _ in range(args.connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadResult(
        shared["latencies"], shared["completed"], shared["errors"], args.duration, shared["bytes"]
    )


def _client(
    page: Page, port: int, warm_until: float, stop_at: float, shared: dict, lock: threading.Lock
) -> None:
    headers = {"Cookie": page.cookie} if page.cookie else {}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    while (started := time.monotonic()) < stop_at:
        try:
            connection.request("GET", page.path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            good = response.status == page.status
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
            good, body = False, b""
        finished = time.monotonic()
        with lock:
            if good:
                shared["bytes"] = len(body)
                shared["completed"] += warm_until <= finished <= stop_at
            if started < warm_until:
                continue  # started during the warm-up
            if good:
                shared["latencies"].append(finished - started)
            else:
                shared["errors"] += 1
    connection.close()


# --- the report ------------------------------------------------------------------------


def page_rows(
    pages: list[Page], costs: dict[str, dict[str, int]], loads: dict[str, LoadResult]
) -> list[dict[str, Any]]:
    floor = loads["floor"].rps
    rows = []
    for page in pages:
        result = loads[page.name]
        ratio = floor_ratio(floor, result.rps)
        rows.append(
            {"page": page.name, **result.summary(), **costs[page.name]}
            | {"floor_ratio": round(ratio, 2) if ratio != float("inf") else None}
        )
    return rows


def markdown(report: dict[str, Any]) -> str:
    head = (
        f"### {report['database']}, factor {report['factor']:g} "
        f"({seeded(report)}; {report['connections']} connections, "
        f"{report['duration_s']:g} s per page)\n\n"
        "| page | req/s | p50 ms | p95 ms | p99 ms | bytes | queries | decrypted | ÷ floor |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    lines = [
        f"| {r['page']} | {r['rps']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | "
        f"{r['bytes']} | {r['queries']} | {r['decrypted']} | {r['floor_ratio']} |"
        + (f" ({r['errors']} errors)" if r["errors"] else "")
        for r in report["pages"]
    ]
    tail = (
        f"\nIdle worker cycle (median of its runs): {report['worker_idle_cycle_ms']} ms. "
        f"verify_audit --incremental: {report['verify_audit_incremental_s']} s "
        f"({report['verify_audit_output']})\n"
        f"FHIR bulk export: {report['export_resources']} resources, "
        f"{report['export_resources_per_s']}/s by the wall clock, "
        f"{report['export_resources_per_cpu_s']} per CPU second (target 5,000/s). "
        f"Import of {report['import_rows']} CSV rows: "
        f"{report['import_commit_ms_per_row']} ms per row to check and write "
        f"({report['import_commit_cpu_ms_per_row']} CPU ms).\n"
    )
    return head + "\n".join(lines) + "\n" + tail


def seeded(report: dict[str, Any]) -> str:
    if report.get("reused"):
        return "data seeded by an earlier run"
    return f"seeded in {report['seed_seconds']} s"


def comparison(reports: list[dict[str, Any]]) -> str:
    """One row per page, one column group per database and factor: the targets side by side."""
    runs = [f"{r['database']} factor {r['factor']:g}" for r in reports]
    head = "| page | " + " | ".join(f"{run} req/s · p95 ms · ÷ floor · q/dec" for run in runs)
    lines = [head + " |", "|---|" + "---:|" * len(runs)]
    for n, row in enumerate(reports[0]["pages"]):
        cells = []
        for report in reports:
            r = report["pages"][n]
            cells.append(
                f"{r['rps']} · {r['p95_ms']} · {r['floor_ratio']} · {r['queries']}/{r['decrypted']}"
            )
        lines.append(f"| {row['page']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
