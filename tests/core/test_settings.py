"""Configuration from the environment, and the deployment invariants as checks."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import Error

from rapport.core.checks import check_utc_storage

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    base = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "RAPPORT_VAR_DIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _production_env() -> dict[str, str]:
    return {
        "SECRET_KEY": base64.b64encode(os.urandom(48)).decode(),
        "RAPPORT_ENCRYPTION_KEYS": f"prod1:{base64.b64encode(os.urandom(32)).decode()}",
        "RAPPORT_AUDIT_KEY": base64.b64encode(os.urandom(32)).decode(),
        "ALLOWED_HOSTS": "rapport.example.org",
        "RAPPORT_BASE_URL": "https://rapport.example.org",
        "EMAIL_HOST": "smtp.example.org",
        "DEFAULT_FROM_EMAIL": "Rapport <appointments@rapport.example.org>",
    }


def test_it_refuses_to_start_without_its_secrets(tmp_path: Path) -> None:
    result = _manage("check", env={}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


def test_it_refuses_to_start_without_an_encryption_key(tmp_path: Path) -> None:
    env = _production_env()
    del env["RAPPORT_ENCRYPTION_KEYS"]
    result = _manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "RAPPORT_ENCRYPTION_KEYS is required" in result.stderr


def test_it_rejects_a_malformed_setting(tmp_path: Path) -> None:
    result = _manage("check", env=_production_env() | {"RAPPORT_HTTPS": "maybe"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "RAPPORT_HTTPS must be a boolean" in result.stderr


def test_it_passes_the_deploy_check_under_production_settings(tmp_path: Path) -> None:
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env=_production_env(), tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_warns_of_a_sender_at_localhost(tmp_path: Path) -> None:
    env = _production_env() | {"DEFAULT_FROM_EMAIL": "Rapport <no-reply@localhost>"}
    result = _manage("check", "--deploy", env=env, tmp_path=tmp_path)
    assert "rapport.W003" in result.stderr + result.stdout


def test_the_deploy_check_catches_insecure_cookies(tmp_path: Path) -> None:
    env = _production_env() | {"RAPPORT_HTTPS": "0"}
    result = _manage("check", "--deploy", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "rapport.E003" in result.stderr


def test_the_deploy_check_catches_a_weak_encryption_key(tmp_path: Path) -> None:
    env = _production_env() | {"RAPPORT_ENCRYPTION_KEYS": "k1:dG9vc2hvcnQ="}
    result = _manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "rapport.E002" in result.stderr


@pytest.mark.parametrize(("use_tz", "zone"), [(True, "Europe/London"), (False, "UTC")])
def test_it_insists_on_utc_storage(settings, use_tz: bool, zone: str) -> None:
    settings.USE_TZ, settings.TIME_ZONE = use_tz, zone
    assert [e.id for e in check_utc_storage() if isinstance(e, Error)] == ["rapport.E001"]


@pytest.mark.django_db
def test_it_sends_security_headers(client) -> None:
    response = client.get("/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
