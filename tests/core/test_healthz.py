"""/healthz: 503 only when the database is down; the body tells whether a worker beats."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse

from rapport.core import audit
from rapport.core.models import WorkerHeartbeat

START = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)
NO_BACKLOG = {"audit_unsealed": 0, "audit_oldest_unsealed_seconds": 0}
UNKNOWN_BACKLOG = {"audit_unsealed": None, "audit_oldest_unsealed_seconds": None}


def _health() -> tuple[int, dict[str, str | int | None]]:
    response = HttpClient().get(reverse("core:healthz"))
    return response.status_code, response.json()


def test_it_reports_the_worker_down_without_a_heartbeat(db: None) -> None:
    # Still 200: web nodes keep serving while operators are alerted by the body.
    body = {"status": "degraded", "database": "ok", "worker": "down", **NO_BACKLOG}
    assert _health() == (200, body)


def test_it_reports_ok_after_a_fresh_heartbeat(db: None) -> None:
    with time_machine.travel(START, tick=False):
        WorkerHeartbeat.objects.create(name="w1", seen_at=START - timedelta(seconds=5))
        body = {"status": "ok", "database": "ok", "worker": "ok", **NO_BACKLOG}
        assert _health() == (200, body)


def test_it_reports_a_stale_heartbeat_as_down(db: None) -> None:
    WorkerHeartbeat.objects.create(name="w1", seen_at=START)
    with time_machine.travel(START + timedelta(minutes=1, seconds=59), tick=False):
        assert _health()[1]["worker"] == "ok"
    with time_machine.travel(START + timedelta(minutes=2, seconds=1), tick=False):
        body = {"status": "degraded", "database": "ok", "worker": "down", **NO_BACKLOG}
        assert _health() == (200, body)


def test_it_goes_by_the_newest_heartbeat(db: None) -> None:
    WorkerHeartbeat.objects.create(name="dead", seen_at=START - timedelta(hours=3))
    WorkerHeartbeat.objects.create(name="alive", seen_at=START)
    with time_machine.travel(START + timedelta(seconds=30), tick=False):
        assert _health()[1]["worker"] == "ok"


def test_it_reports_the_unsealed_audit_backlog(db: None) -> None:
    with time_machine.travel(START, tick=False):
        audit.record(None, "core.login.failed")
        audit.record(None, "core.login.failed")
    with time_machine.travel(START + timedelta(seconds=40), tick=False):
        WorkerHeartbeat.objects.create(name="w1", seen_at=START + timedelta(seconds=40))
        status, body = _health()
    assert (status, body["status"]) == (200, "ok")
    assert (body["audit_unsealed"], body["audit_oldest_unsealed_seconds"]) == (2, 40)


def test_it_reports_sealing_fallen_behind_as_degraded_not_down(db: None) -> None:
    with time_machine.travel(START, tick=False):
        audit.record(None, "core.login.failed")
    with time_machine.travel(START + timedelta(minutes=6), tick=False):
        WorkerHeartbeat.objects.create(name="w1", seen_at=START + timedelta(minutes=6))
        status, body = _health()
    assert (status, body["status"], body["worker"]) == (200, "degraded", "ok")
    assert body["audit_oldest_unsealed_seconds"] == 360


def test_it_is_never_cached_and_needs_no_sign_in(db: None) -> None:
    response = HttpClient().get(reverse("core:healthz"))
    assert "no-cache" in response["Cache-Control"]
    assert response.status_code == 200  # answered, not redirected to the login page


@pytest.fixture
def database_down(transactional_db: None, tmp_path: Path) -> Iterator[None]:
    """The default connection pointed somewhere no database answers, then restored."""
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = str(tmp_path / "missing" / "db.sqlite3")
    else:
        with socket.socket() as sock:  # a port that refuses connections
            sock.bind(("127.0.0.1", 0))
            connection.settings_dict.update(HOST="127.0.0.1", PORT=sock.getsockname()[1])
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


@pytest.mark.usefixtures("database_down")
def test_it_reports_the_database_down_as_json() -> None:
    body = {"status": "degraded", "database": "down", "worker": "down", **UNKNOWN_BACKLOG}
    assert _health() == (503, body)
