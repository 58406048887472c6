"""The restore drill: back up, wipe, restore, and prove every table and the audit chain came back.

Runs on the configured engine: SQLite (the online backup API) by default, and with
DATABASE_URL=postgres://… on PostgreSQL (pg_dump / pg_restore on the committed test
database), so CI drills both.
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import tracemalloc
from pathlib import Path
from types import SimpleNamespace

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection
from django.utils import timezone

from rapport.clients.models import Client
from rapport.core import audit, backups, jobs
from rapport.core.management.commands.rotate_encryption_keys import encrypted_fields
from rapport.core.models import AuditEvent
from tests.factories import make_client

KEY = "b1:" + base64.b64encode(b"backup-key-for-tests-only-32byte").decode()
OTHER_KEY = "b1:" + base64.b64encode(b"another-key-for-tests-only-32byt").decode()
SECRET_TEXT = "Grief after a loss in March."


@pytest.fixture
def practice(transactional_db: None, cast: SimpleNamespace, settings) -> SimpleNamespace:
    """The shared cast, committed, with encrypted text and a sealed audit chain per clinic."""
    settings.RAPPORT_BACKUP_KEY = KEY
    for client in (cast.client, cast.colleague_client, cast.outsider_client):
        audit.record(None, "clients.client.viewed", client, actor=client.assigned_therapist)
    with time_machine.travel(timezone.now() + audit.SEAL_AFTER * 2, tick=False):
        assert jobs.registered_jobs()["audit_seal"]("drill") == 3
    audit.record(None, "clients.client.viewed", cast.client, actor=cast.therapist)  # unsealed
    return cast


def _backup(directory: Path) -> Path:
    out = io.StringIO()
    call_command("backup", output_dir=directory, stdout=out)
    (path,) = directory.glob("*.rpbk")
    assert str(path) in out.getvalue()
    return path


def _restore(path: Path, *options: str) -> str:
    out = io.StringIO()
    call_command("restore", str(path), *options, "--noinput", stdout=out, stderr=out)
    return out.getvalue()


def _wipe() -> None:
    """Lose the database: every table dropped, as on a fresh server."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in tables:
                cursor.execute(f'DROP TABLE "{table}"')
            cursor.execute("PRAGMA foreign_keys = ON")
        else:
            cursor.execute("DROP TABLE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
    assert connection.introspection.table_names() == []


def _chains() -> dict:
    reports = [audit.verify_chain(clinic_id) for clinic_id in audit.chain_ids()]
    assert all(not report.problems for report in reports)
    return {r.clinic_id: (r.verified, r.head_seq, r.head_hash) for r in reports}


def _content(hashes: dict[str, backups.TableHash]) -> dict[str, backups.TableHash]:
    # The restore's own audit verification stamps a new checkpoint on the chain rows, as any
    # clean verification does; their heads are compared through _chains().
    return {table: found for table, found in hashes.items() if table != "core_auditchain"}


def test_the_restore_drill_brings_back_every_table_and_the_audit_chain(
    practice: SimpleNamespace, tmp_path: Path
) -> None:
    chains = _chains()
    before = backups.current_hashes()
    path = _backup(tmp_path)

    _wipe()
    output = _restore(path)

    assert "Verified" in output, output
    assert _content(backups.current_hashes()) == _content(before)  # same rows, same content
    assert _chains() == chains  # the audit chains verify, with the same heads
    assert chains[practice.clinic.pk][0] == 2
    assert AuditEvent.objects.unsealed().count() == 1
    # Encrypted text came back as ciphertext that still opens with the clinic's key.
    assert Client.objects.get(pk=practice.client.pk).background == SECRET_TEXT


def _encrypted_values() -> dict[str, list]:
    """Every encrypted field of every row, decrypted, per model."""
    return {
        model._meta.label: [
            (row.pk, *(getattr(row, name) for name in names))
            for row in model._base_manager.order_by("pk")
        ]
        for model, names in encrypted_fields()
    }


def test_the_restore_drill_on_the_demo_clinic_reads_back_every_encrypted_value(
    transactional_db: None, tmp_path: Path, settings
) -> None:
    settings.RAPPORT_BACKUP_KEY = KEY
    call_command("seed_demo", stdout=io.StringIO())
    with time_machine.travel(timezone.now() + audit.SEAL_AFTER * 2, tick=False):
        assert jobs.registered_jobs()["audit_seal"]("drill") > 0
    values, chains, before = _encrypted_values(), _chains(), backups.current_hashes()
    texts = [v for rows in values.values() for row in rows for v in row[1:] if v]
    assert len(texts) > 50
    assert {type(t) for t in texts} <= {str, dict, list}  # decrypted text and answers
    path = _backup(tmp_path)

    _wipe()
    assert "Verified" in _restore(path)

    assert _content(backups.current_hashes()) == _content(before)
    assert _chains() == chains
    assert _encrypted_values() == values


GUARD = {
    "sqlite": [
        "CREATE TRIGGER drill_guard BEFORE DELETE ON core_auditevent "
        "BEGIN SELECT RAISE(ABORT, 'append-only'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION drill_guard() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RAISE EXCEPTION 'append-only'; END $$",
        "CREATE TRIGGER drill_guard BEFORE DELETE ON core_auditevent "
        "FOR EACH ROW EXECUTE FUNCTION drill_guard()",
    ],
}


def test_the_restore_brings_back_triggers_such_as_an_audit_guard(
    practice: SimpleNamespace, tmp_path: Path
) -> None:
    _add_guard()
    try:
        path = _backup(tmp_path)
        assert "core_auditevent.drill_guard" in backups.verify_archive(path)["triggers"]
        _wipe()
        assert "Verified" in _restore(path)
        with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditevent")
    finally:
        _drop_guard()


def _add_guard() -> None:
    with connection.cursor() as cursor:
        for statement in GUARD[connection.vendor]:
            cursor.execute(statement)


def _drop_guard() -> None:
    """Gone before the test database is emptied, which SQLite does with DELETE."""
    on_table = " ON core_auditevent" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS drill_guard" + on_table)
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS drill_guard()")


def test_the_manifest_records_hashes_chain_heads_and_migrations(
    practice: SimpleNamespace, tmp_path: Path
) -> None:
    before = backups.current_hashes()
    manifest = backups.verify_archive(_backup(tmp_path))

    assert manifest["engine"] == connection.vendor
    assert manifest["tables"]["clients_client"] == {
        "rows": 3,
        "sha256": before["clients_client"].sha256,
    }
    assert {t: (h["rows"], h["sha256"]) for t, h in manifest["tables"].items()} == {
        t: (h.rows, h.sha256) for t, h in before.items()
    }
    head = manifest["audit"]["chains"][str(practice.clinic.pk)]
    assert head["head_seq"] == 2
    assert manifest["audit"]["unsealed_events"] == 1
    assert "0001_initial" in manifest["migrations"]["core"]


def test_the_archive_is_encrypted_and_its_name_holds_no_names(
    practice: SimpleNamespace, tmp_path: Path
) -> None:
    path = _backup(tmp_path)
    assert re.fullmatch(r"rapport-backup-\d{8}T\d{6}Z\.rpbk", path.name)
    assert path.stat().st_mode & 0o077 == 0  # readable by its owner only
    data = path.read_bytes()
    for clear in (b"Riverside", b"therapist@staff.example", b"SQLite format", b"PGDMP"):
        assert clear not in data


def test_it_refuses_to_restore_over_data_unless_forced(
    practice: SimpleNamespace, tmp_path: Path
) -> None:
    before = backups.current_hashes()
    path = _backup(tmp_path)
    late = make_client(practice.clinic, practice.therapist)  # written after the backup

    with pytest.raises(CommandError, match="already holds data"):
        _restore(path)
    assert Client.objects.filter(pk=late.pk).exists()  # nothing was touched

    assert "Verified" in _restore(path, "--force")
    assert not Client.objects.filter(pk=late.pk).exists()
    assert _content(backups.current_hashes()) == _content(before)


def _flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "damage",
    ["a byte in the middle", "the last chunk cut off", "the key id", "the salt"],
)
def test_a_tampered_archive_is_refused_before_anything_changes(
    practice: SimpleNamespace, tmp_path: Path, damage: str
) -> None:
    path = _backup(tmp_path)
    before = backups.current_hashes()
    size = path.stat().st_size
    if damage == "a byte in the middle":
        _flip_byte(path, size // 2)
    elif damage == "the last chunk cut off":  # what is left ends exactly on a chunk
        header = len(backups.MAGIC) + 1 + len("b1") + backups.SALT_BYTES + backups.CHECK_BYTES
        sealed = backups.CHUNK + backups.TAG
        with path.open("r+b") as file:
            file.truncate(size - ((size - header) % sealed or sealed))
    elif damage == "the key id":
        _flip_byte(path, len(backups.MAGIC) + 1)
    else:
        _flip_byte(path, len(backups.MAGIC) + 1 + len("b1") + 3)

    with pytest.raises(CommandError, match=r"damaged|altered|not configured|cut short"):
        _restore(path, "--force")
    with pytest.raises(CommandError):
        _restore(path, "--verify-only")
    assert backups.current_hashes() == before


def test_a_wrong_key_gives_a_clear_error(
    practice: SimpleNamespace, tmp_path: Path, settings
) -> None:
    path = _backup(tmp_path)

    settings.RAPPORT_BACKUP_KEY = OTHER_KEY  # same id, other secret
    with pytest.raises(CommandError, match="Wrong backup key"):
        _restore(path, "--verify-only")

    settings.RAPPORT_BACKUP_KEY = "b2:" + OTHER_KEY.split(":")[1]
    with pytest.raises(CommandError, match="encrypted with key 'b1', which is not configured"):
        _restore(path, "--verify-only")

    settings.RAPPORT_BACKUP_KEY = f"b2:{OTHER_KEY.split(':')[1]},{KEY}"  # kept after rotation
    assert "Archive intact" in _restore(path, "--verify-only")


def test_without_a_backup_key_it_uses_one_derived_from_the_encryption_key(
    practice: SimpleNamespace, tmp_path: Path, settings
) -> None:
    settings.RAPPORT_BACKUP_KEY = ""
    path = _backup(tmp_path)
    assert "Archive intact" in _restore(path, "--verify-only")

    settings.RAPPORT_ENCRYPTION_KEYS = "t9:" + base64.b64encode(b"x" * 32).decode()
    with pytest.raises(CommandError, match="key 'enc-t1', which is not configured"):
        _restore(path, "--verify-only")


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite needs no tools"
)
def test_sqlite_backups_need_no_postgresql_tools(
    practice: SimpleNamespace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert backups.verify_archive(_backup(tmp_path))["engine"] == "sqlite"


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="PostgreSQL only"
)
def test_a_missing_pg_dump_is_named(
    practice: SimpleNamespace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(CommandError, match="pg_dump was not found on PATH"):
        _backup(tmp_path)
    assert not list(tmp_path.glob("*.rpbk*"))  # no half-written archive left behind


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="PostgreSQL only"
)
def test_the_database_password_stays_off_pg_dumps_command_line(
    practice: SimpleNamespace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pg_dump runs through a shim that logs its arguments (the server trusts this host)."""
    tools = tmp_path / "bin"
    tools.mkdir()
    shim = tools / "pg_dump"
    real = shutil.which("pg_dump")
    shim.write_text(f'#!/bin/sh\necho "$@" >> "{tools}/argv"\nexec "{real}" "$@"\n')
    shim.chmod(0o700)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setitem(connection.settings_dict, "PASSWORD", "pw-never-in-argv")

    assert backups.verify_archive(_backup(tmp_path / "out"))["engine"] == "postgresql"
    argv = (tools / "argv").read_text()
    assert "--format=custom" in argv
    assert "pw-never-in-argv" not in argv


def test_encryption_streams_in_flat_memory(tmp_path: Path) -> None:
    """Eight megabytes through the sealer and back never hold more than a few chunks."""
    keys = {"m1": b"k" * 32}
    block = os.urandom(10_000)
    tracemalloc.start()
    try:
        with (tmp_path / "archive").open("wb") as sink:
            sealer = backups.Sealer(sink, "m1", keys["m1"])
            for _ in range(800):
                sealer.write(block)
            sealer.close()
        with (tmp_path / "archive").open("rb") as source:
            total = sum(len(chunk) for chunk in backups.open_chunks(source, keys))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == 8_000_000
    assert peak < 6 * backups.CHUNK


def test_the_manifest_check_names_each_table_that_differs(
    practice: SimpleNamespace, tmp_path: Path
) -> None:
    _add_guard()
    manifest = backups.verify_archive(_backup(tmp_path))
    _drop_guard()
    Client.objects.filter(pk=practice.client.pk).update(given_name="Changed")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_staffrole WHERE role = 'intake_coordinator'")

    problems = backups.check_restored(manifest).problems

    assert problems == [
        "table clients_client: content differs from the backup",
        "table core_staffrole has 5 rows, the backup 6",
        "trigger core_auditevent.drill_guard is missing",
    ]
