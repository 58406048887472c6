"""``make bench``: its arithmetic, and one short end-to-end run on SQLite."""

from __future__ import annotations

import json
import math
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from rapport.scale.bench import comparison
from rapport.scale.stats import LoadResult, floor_ratio, median, percentile

ROOT = Path(__file__).resolve().parent.parent.parent
PAGES = [
    "floor",
    "therapist dashboard",
    "client list",
    "calendar week",
    "clinical tab",
    "episode overview",
    "notes list",
    "measures tab",
    "session note",
    "public questionnaire",
    "500-session client: clinical tab",
    "500-session client: episode overview",
    "500-session client: notes list",
    "500-session client: measures tab",
    "intake queue",
    "outcomes dashboard, clinic",
    "outcomes dashboard, caseload",
]


def test_it_interpolates_percentiles_between_ranks() -> None:
    assert percentile([4, 1, 3, 2], 50) == 2.5
    assert percentile([4, 1, 3, 2], 0) == 1
    assert percentile([4, 1, 3, 2], 100) == 4
    assert percentile(list(range(1, 101)), 95) == pytest.approx(95.05)
    assert percentile(list(range(1, 101)), 99) == pytest.approx(99.01)
    assert percentile([7], 99) == 7
    assert median([5, 1, 9]) == 5
    assert math.isnan(percentile([], 50))


def test_the_floor_ratio_is_how_many_times_cheaper_the_floor_is() -> None:
    assert floor_ratio(100, 25) == 4
    assert floor_ratio(100, 100) == 1
    assert floor_ratio(100, 0) == math.inf


def test_a_load_result_reports_throughput_and_latency_in_milliseconds() -> None:
    result = LoadResult(
        latencies=[0.01, 0.02, 0.03, 0.04], completed=4, errors=1, seconds=2, body_bytes=512
    )
    assert result.summary() == {
        "requests": 4,
        "errors": 1,
        "rps": 2.0,
        "p50_ms": 25.0,
        "p95_ms": 38.5,
        "p99_ms": 39.7,
        "bytes": 512,
    }
    nothing = LoadResult(latencies=[], completed=0, errors=3, seconds=1, body_bytes=0).summary()
    assert nothing["rps"] == 0
    assert nothing["p95_ms"] is None  # JSON null, never NaN
    # A request still running when the window closed counts in latency, not throughput.
    slow = LoadResult(latencies=[0.5, 12.0], completed=1, errors=0, seconds=10, body_bytes=1)
    assert slow.summary()["rps"] == 0.1
    assert slow.summary()["p99_ms"] > 11_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_bench_serves_every_page_and_writes_its_report(tmp_path: Path) -> None:
    """Seed, serve with gunicorn, load, measure: briefly, on SQLite, outside the repo's var/."""
    env = {**os.environ, "RAPPORT_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    command = [
        *(sys.executable, "scripts/bench.py", "--databases", "sqlite", "--factors", "0.002"),
        *("--duration", "0.3", "--warmup", "0.05", "--connections", "2", "--worker-runs", "2"),
        *("--settle", "0", "--out", str(tmp_path), "--port", str(free_port())),
    ]
    # A guard against a hung server, not a speed check: a shared, busy machine can take
    # several minutes for what takes one alone.
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    (written,) = tmp_path.glob("*-sqlite-0.002.json")
    report = json.loads(written.read_text())
    assert [row["page"] for row in report["pages"]] == PAGES
    for row in report["pages"]:
        assert row["queries"] > 0, row  # counted in process for every page
        assert {"rps", "p50_ms", "p95_ms", "p99_ms", "bytes", "decrypted", "floor_ratio"} <= set(
            row
        )
    floor = report["pages"][0]
    assert floor["requests"] > 0
    assert floor["floor_ratio"] == 1
    assert report["rows"]["sessionnote"] == 120 + 500
    assert report["worker_idle_cycle_ms"] > 0
    assert "Audit log intact" in report["verify_audit_output"]
    assert "| floor |" in done.stdout


def test_the_comparison_puts_each_run_of_a_page_side_by_side() -> None:
    def run(database: str, factor: float, rps: float) -> dict:
        row = {"page": "floor", "rps": rps, "p95_ms": 9.5, "floor_ratio": 1.0}
        return {
            "database": database,
            "factor": factor,
            "pages": [row | {"queries": 9, "decrypted": 0}],
        }

    table = comparison([run("postgresql", 1, 120.0), run("postgresql", 10, 118.5)])
    header, _rule, floor = table.splitlines()
    assert "postgresql factor 1 req/s" in header
    assert "postgresql factor 10 req/s" in header
    assert floor == "| floor | 120.0 · 9.5 · 1.0 · 9/0 | 118.5 · 9.5 · 1.0 · 9/0 |"
