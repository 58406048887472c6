"""RAPPORT_DB_TRANSACTION_POOLING: settings that keep Rapport working behind PgBouncer
in transaction mode (docs/scaling.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Printed by the child: what its database connection will be opened with.
SHOW = (
    "from django.db import connection as c; "
    "print(c.settings_dict.get('DISABLE_SERVER_SIDE_CURSORS'), "
    "c.get_connection_params().get('prepare_threshold', 'absent'))"
)


def _connection_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    # A fresh process reads the environment as a deployed server does; nothing connects.
    base = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "RAPPORT_VAR_DIR": str(tmp_path),
        "SECRET_KEY": os.environ["SECRET_KEY"],
        "RAPPORT_ENCRYPTION_KEYS": os.environ["RAPPORT_ENCRYPTION_KEYS"],
        "DATABASE_URL": "postgres://rapport@pgbouncer.invalid:6432/rapport",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", SHOW],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_it_turns_server_side_cursors_off_behind_a_transaction_pooler(tmp_path: Path) -> None:
    result = _connection_settings(tmp_path, RAPPORT_DB_TRANSACTION_POOLING="1")
    assert result.returncode == 0, result.stderr
    # No cursor outlives its transaction, and no statement is prepared on a server
    # connection the pooler may hand to someone else.
    assert result.stdout.split() == ["True", "None"]


def test_it_keeps_server_side_cursors_on_a_direct_connection(tmp_path: Path) -> None:
    result = _connection_settings(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "None"]


def test_it_refuses_a_malformed_value(tmp_path: Path) -> None:
    result = _connection_settings(tmp_path, RAPPORT_DB_TRANSACTION_POOLING="sometimes")
    assert result.returncode != 0
    assert "RAPPORT_DB_TRANSACTION_POOLING must be a boolean" in result.stderr
