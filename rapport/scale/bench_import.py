"""Imports of earlier scores: milliseconds per CSV row, to preview and to write.

``make bench`` calls ``measure()`` on each database it seeds (the scale clinic). Alone:

    .venv/bin/python -m rapport.scale.bench_import --factor 0.02 --rows 1000
    .venv/bin/python -m rapport.scale.bench_import --database-url postgres://…/name

seeds a fresh database (SQLite under ``var/bench/``, or the PostgreSQL database
named, dropped and made again) at that factor; ``--reuse`` measures the last one
again and ``--profile`` says where the time goes. The therapist with the most
clients imports ``--rows`` PHQ-9 rows for their clients, as the import page does
(``commit``: the preview's checks again, then every row written), and the import is
rolled back afterwards, so a database can be measured again and again.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
TARGET_MS = 5.0  # per row: the caps of one import rise once writing is this fast
# Answers that score every band; the last has item 9 positive (an old answer: no alert).
ANSWERS = ([0] * 9, [1, 1, 1, 1, 1, 1, 0, 0, 0], [2, 2, 2, 2, 1, 1, 1, 1, 0], [3] * 8 + [1])
FIRST_DAY = date(2012, 1, 2)


class _Rollback(Exception):
    """Leaves the database as it was: the bench measures, it does not keep."""


def csv_for(clients: list[Any], rows: int) -> str:
    """``rows`` PHQ-9 rows shared among ``clients``, one a day each, long before today."""
    header = ["client_id", "date", "instrument", *[f"item_{n}" for n in range(1, 10)]]
    lines = [",".join([*header, "difficulty"])]
    for n in range(rows):
        client = clients[n % len(clients)]
        start = max(FIRST_DAY, client.date_of_birth + timedelta(days=366))
        day = start + timedelta(days=n // len(clients))
        items = ANSWERS[n % len(ANSWERS)]
        lines.append(
            ",".join([str(client.public_id), day.isoformat(), "PHQ-9", *map(str, items), "1"])
        )
    return "\r\n".join(lines) + "\r\n"


def measure(rows: int = 1000) -> dict[str, Any]:
    """Preview and write ``rows`` CSV rows for the scale clinic's busiest therapist."""
    from django.db import transaction
    from django.db.models import Count
    from django.test import RequestFactory

    from rapport.core.models import Clinic, Role, User
    from rapport.interop.imports import commit as importing
    from rapport.interop.imports import csv_scores
    from rapport.scale import seeding

    clinic = Clinic.objects.get(name=seeding.CLINIC_NAME)
    therapist = (
        User.objects.filter(clinic=clinic, staff_roles__role=Role.THERAPIST)
        .annotate(caseload=Count("assigned_clients"))
        .order_by("-caseload", "pk")
        .first()
    )
    therapist.is_verified = lambda: True  # past the second factor, as a request would be
    clients = list(therapist.assigned_clients.filter(archived_at__isnull=True).order_by("pk"))
    text = csv_for(clients, rows)
    request = RequestFactory().post("/interop/imports/csv/import/")
    request.user = therapist
    kept, csv_scores.MAX_ROWS = csv_scores.MAX_ROWS, max(csv_scores.MAX_ROWS, rows)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        checked = importing.preview(therapist, importing.CSV, text)
        preview_s, preview_cpu = time.perf_counter() - started, time.process_time() - cpu
        if not checked.ok:
            raise RuntimeError(f"the bench's rows do not import: {checked.errors[:3]}")
        started, cpu = time.perf_counter(), time.process_time()
        try:
            with transaction.atomic():
                outcome = importing.commit(request, importing.CSV, text)
                commit_s, commit_cpu = time.perf_counter() - started, time.process_time() - cpu
                raise _Rollback
        except _Rollback:
            pass
    finally:
        csv_scores.MAX_ROWS = kept
    written = len(outcome.responses)
    result = {
        "import_rows": written,
        "import_preview_ms_per_row": round(preview_s * 1000 / rows, 2),
        "import_commit_ms_per_row": round(commit_s * 1000 / written, 2),
        "import_commit_cpu_ms_per_row": round(commit_cpu * 1000 / written, 2),
        "import_preview_cpu_ms_per_row": round(preview_cpu * 1000 / rows, 2),
    }
    print(
        f"Import of {written} CSV rows: preview {result['import_preview_ms_per_row']} ms/row, "
        f"preview and write {result['import_commit_ms_per_row']} ms/row "
        f"({result['import_commit_cpu_ms_per_row']} CPU ms/row; target {TARGET_MS} ms)",
        file=sys.stderr,
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=float, default=0.02)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--database-url", default="", help="PostgreSQL (default: SQLite).")
    parser.add_argument("--reuse", action="store_true", help="Measure the last seeded database.")
    parser.add_argument("--profile", action="store_true", help="Print where the time goes.")
    args = parser.parse_args(argv)
    bench = ROOT / "var" / "bench"
    url = args.database_url or f"sqlite:///{bench / 'import-bench.sqlite3'}"
    # Each database keeps the secrets it was seeded with (its encrypted columns need them).
    env_file = bench / f"import-bench-{url.rsplit('/', 1)[-1]}.env"
    if not args.reuse:
        bench.mkdir(parents=True, exist_ok=True)
        fresh(url)
        made = subprocess.run(  # noqa: S603
            [sys.executable, str(ROOT / "scripts" / "make_local_env.py")],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        env_file.write_text(made)
        env_file.chmod(0o600)
    lines = env_file.read_text().splitlines()
    os.environ.update(line.split("=", 1) for line in lines if "=" in line)
    os.environ.update(DATABASE_URL=url, DEBUG="0", LOG_LEVEL="WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    import django

    django.setup()
    if not args.reuse:
        from django.core.management import call_command

        from rapport.scale import seeding

        call_command("migrate", verbosity=0)
        seeding.seed(args.factor)
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        result = profiler.runcall(measure, args.rows)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    else:
        result = measure(args.rows)
    print(result)
    return 0 if result["import_commit_ms_per_row"] <= TARGET_MS else 1


def fresh(url: str) -> None:
    """An empty database at ``url``: a new SQLite file, or the PostgreSQL one made again."""
    from urllib.parse import urlsplit, urlunsplit

    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{url.removeprefix('sqlite:///')}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    sys.exit(main())
