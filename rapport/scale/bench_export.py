"""FHIR bulk export speed: resources written per second by the worker, every type, whole clinic.

``make bench`` calls ``measure()`` on each database it seeds (the scale clinic). Alone:

    .venv/bin/python -m rapport.scale.bench_export --factor 0.1

seeds a fresh SQLite database under ``var/bench/`` at that factor (``--reuse`` measures
the last one again; ``--profile`` says where the time goes) and prints the figure, by
the wall clock and per CPU second. The target is 5,000 resources per second (issue 13).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
TARGET = 5_000


def measure() -> dict[str, Any]:
    """Run one system-level export of the scale clinic in this process; its throughput."""
    from django.conf import settings

    from rapport.core.models import Clinic, Role, User
    from rapport.interop import bulk
    from rapport.interop.bulk_models import ExportJob
    from rapport.interop.exports_types import registry
    from rapport.interop.models import ApiKey
    from rapport.scale import seeding

    clinic = Clinic.objects.get(name=seeding.CLINIC_NAME)
    admin = User.objects.filter(clinic=clinic, staff_roles__role=Role.CLINIC_ADMIN).first()
    key, _raw = ApiKey.issue(clinic=clinic, name="bench export", created_by=admin)
    kept = settings.RAPPORT_EXPORT_DIR
    with tempfile.TemporaryDirectory() as directory:
        settings.RAPPORT_EXPORT_DIR = Path(directory)
        job = ExportJob.objects.create(
            clinic=clinic, api_key=key, types=list(registry()), request_url="bench"
        )
        started, cpu_started = time.perf_counter(), time.process_time()
        while bulk.run_due_exports("bench-export"):  # the worker's export job, alone
            pass
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
        job.refresh_from_db()
        size = sum(path.stat().st_size for path in job.directory.iterdir())
        settings.RAPPORT_EXPORT_DIR = kept
    if job.status != ExportJob.Status.DONE:
        raise RuntimeError(f"the bench export ended {job.status}")
    rate = job.written / seconds
    # On a shared machine the wall clock counts other processes' work too: the CPU time
    # this process spent says what the export itself costs.
    cpu_rate = job.written / cpu_seconds
    result = {
        "export_resources": job.written,
        "export_seconds": round(seconds, 2),
        "export_cpu_seconds": round(cpu_seconds, 2),
        "export_resources_per_s": round(rate),
        "export_resources_per_cpu_s": round(cpu_rate),
        "export_mb": round(size / 1e6, 1),
    }
    print(
        f"FHIR bulk export: {job.written} resources in {seconds:.1f} s = {rate:,.0f}/s "
        f"({cpu_rate:,.0f} per CPU second; target {TARGET:,}/s), {size / 1e6:.1f} MB NDJSON",
        file=sys.stderr,
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=float, default=0.1)
    parser.add_argument("--reuse", action="store_true", help="Measure the last seeded database.")
    parser.add_argument("--profile", action="store_true", help="Print where the time goes.")
    args = parser.parse_args(argv)
    env_file = ROOT / "var" / "bench" / "export-bench.env"
    path = ROOT / "var" / "bench" / "export-bench.sqlite3"
    if not args.reuse:
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        # As ``make bench`` runs: fresh secrets (kept beside the database for --reuse).
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
    os.environ.update(DATABASE_URL=f"sqlite:///{path}", DEBUG="0", LOG_LEVEL="WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    import django

    django.setup()
    from django.core.management import call_command

    if not args.reuse:
        from rapport.scale import seeding

        call_command("migrate", verbosity=0)
        seeding.seed(args.factor)
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        result = profiler.runcall(measure)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    else:
        result = measure()
    print(result)
    return 0 if result["export_resources_per_s"] >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
