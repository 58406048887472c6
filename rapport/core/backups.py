"""Encrypted backups with a manifest that proves what a restore brought back.

An archive is one file, written and read in fixed chunks (memory stays flat):

* header, in clear: ``MAGIC``, the backup key's id, a random salt and a key check;
* body: AES-256-GCM in 64 KiB chunks, each sealed with its position and a
  last-chunk flag in the nonce and the header as associated data (the STREAM
  construction of age), so an edited, reordered, dropped or truncated chunk
  fails to decrypt;
* plaintext: the manifest's length (8 bytes), the manifest (JSON), then the
  database: a SQLite file made by the online backup API, or ``pg_dump -Fc``.

The manifest is read from the same snapshot as the dump: each table's row count
and a SHA-256 over its rows in primary-key order, the audit chains' heads, the
applied migrations, the release and the time. The file's name holds only that time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import tomllib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader

from rapport.core import audit
from rapport.core.models.audit import AuditChain, AuditEvent

MAGIC = b"RPBKv1\r\n"
CHUNK = 64 * 1024
TAG = 16
SALT_BYTES = 16
CHECK_BYTES = 16
FORMAT = 1
SUFFIX = ".rpbk"
# Rows that `migrate` itself writes: a database holding only these holds no data.
SEEDED_BY_MIGRATE = {"django_migrations", "django_content_type", "auth_permission"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message tells the operator why."""


class ArchiveError(BackupError):
    """The archive is not one this installation can open, or it was altered."""


# --- Keys -------------------------------------------------------------------------


def _parse_keys(spec: str, setting: str) -> dict[str, bytes]:
    keys = {}
    for entry in filter(None, (part.strip() for part in spec.split(","))):
        key_id, sep, encoded = entry.partition(":")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raw = b""
        if not sep or not key_id.replace("-", "").isalnum() or len(raw) != 32:
            raise BackupError(f"{setting} must hold 'id:base64-of-32-bytes' keys.")
        keys[key_id] = raw
    return keys


def backup_keys() -> dict[str, bytes]:
    """The keys that open backups, the one that writes them first.

    RAPPORT_BACKUP_KEY when set. Otherwise each key of RAPPORT_ENCRYPTION_KEYS,
    passed through HKDF (id ``enc-<id>``): an archive then opens with the same
    secret the restored database needs anyway, for as long as that key is kept.
    """
    spec = settings.RAPPORT_BACKUP_KEY
    if spec:
        return _parse_keys(spec, "RAPPORT_BACKUP_KEY")
    derived = {}
    for key_id, raw in _parse_keys(
        settings.RAPPORT_ENCRYPTION_KEYS, "RAPPORT_ENCRYPTION_KEYS"
    ).items():
        hkdf = HKDF(hashes.SHA256(), 32, salt=None, info=b"rapport backup key")
        derived[f"enc-{key_id}"] = hkdf.derive(raw)
    return derived


def _file_keys(master: bytes, salt: bytes) -> tuple[AESGCM, bytes]:
    """This archive's own AES key, and a check value that tells a wrong key from damage."""
    okm = HKDF(hashes.SHA256(), 32 + CHECK_BYTES, salt=salt, info=b"rapport backup v1").derive(
        master
    )
    return AESGCM(okm[:32]), okm[32:]


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


# --- The encrypted stream ---------------------------------------------------------


class Sealer:
    """Encrypts what is written to it into ``out`` one chunk at a time."""

    def __init__(self, out: BinaryIO, key_id: str, master: bytes) -> None:
        salt = os.urandom(SALT_BYTES)
        self.aead, check = _file_keys(master, salt)
        encoded_id = key_id.encode()
        self.header = MAGIC + bytes([len(encoded_id)]) + encoded_id + salt + check
        self.out, self.buffer, self.counter = out, bytearray(), 0
        out.write(self.header)

    def write(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) > CHUNK:  # the last chunk is sealed by close()
            self._seal(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]

    def close(self) -> None:
        self._seal(bytes(self.buffer), last=True)
        self.buffer.clear()

    def _seal(self, chunk: bytes, last: bool) -> None:
        self.out.write(self.aead.encrypt(_nonce(self.counter, last), chunk, self.header))
        self.counter += 1


def _read_header(source: BinaryIO, keys: dict[str, bytes]) -> tuple[AESGCM, bytes]:
    if source.read(len(MAGIC)) != MAGIC:
        raise ArchiveError("This file is not a Rapport backup (or its first bytes were damaged).")
    id_length = source.read(1)
    key_id = source.read(id_length[0]) if id_length else b""
    salt, check = source.read(SALT_BYTES), source.read(CHECK_BYTES)
    if len(check) != CHECK_BYTES:
        raise ArchiveError("The backup is cut short: its header is incomplete.")
    name = key_id.decode(errors="replace")
    if name not in keys:
        known = ", ".join(sorted(keys)) or "none"
        raise ArchiveError(
            f"This backup was encrypted with key '{name}', which is not configured "
            f"(keys configured: {known}). Set RAPPORT_BACKUP_KEY to include it."
        )
    aead, expected = _file_keys(keys[name], salt)
    if expected != check:
        raise ArchiveError(
            f"Wrong backup key (or a damaged header): the configured key '{name}' does not open "
            "this backup. Use the RAPPORT_BACKUP_KEY (or encryption key) it was made with."
        )
    return aead, MAGIC + id_length + key_id + salt + check


def open_chunks(source: BinaryIO, keys: dict[str, bytes]) -> Iterator[bytes]:
    """The archive's plaintext, chunk by chunk, each authenticated before it is given out."""
    aead, header = _read_header(source, keys)
    counter, current = 0, source.read(CHUNK + TAG)
    while True:
        following = source.read(CHUNK + TAG)
        last = not following
        try:
            yield aead.decrypt(_nonce(counter, last), current, header)
        except InvalidTag:
            raise ArchiveError(
                f"The backup is damaged or was altered (chunk {counter + 1} fails its "
                "authentication check, or the file was cut short). Nothing was restored."
            ) from None
        if last:
            return
        counter, current = counter + 1, following


class _Plaintext:
    """Reads exact lengths from the decrypted chunks."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks, self.pending = chunks, b""

    def read_exact(self, size: int) -> bytes:
        while len(self.pending) < size:
            chunk = next(self.chunks, None)
            if chunk is None:
                raise ArchiveError("The backup holds less than its manifest announces.")
            self.pending += chunk
        data, self.pending = self.pending[:size], self.pending[size:]
        return data

    def rest(self) -> Iterator[bytes]:
        if self.pending:
            yield self.pending
        yield from self.chunks


@contextmanager
def open_archive(path: Path, keys: dict[str, bytes]) -> Iterator[tuple[dict, Iterator[bytes]]]:
    """The manifest and an iterator over the database payload's chunks."""
    with path.open("rb") as source:
        plain = _Plaintext(open_chunks(source, keys))
        length = int.from_bytes(plain.read_exact(8), "big")
        try:
            manifest = json.loads(plain.read_exact(length))
        except ValueError:
            raise ArchiveError("The backup's manifest is unreadable.") from None
        if manifest.get("format") != FORMAT:
            raise ArchiveError(f"Unknown backup format {manifest.get('format')!r}.")
        yield manifest, plain.rest()


def verify_archive(path: Path, keys: dict[str, bytes] | None = None) -> dict:
    """Decrypt the whole archive (every chunk authenticated) and return its manifest."""
    with open_archive(path, keys or backup_keys()) as (manifest, payload):
        for _chunk in payload:
            pass
    return manifest


# --- Content hashes -----------------------------------------------------------------


def _encode(value: Any) -> bytes:
    """One column value, tagged with its type, so "1" and 1 never hash alike."""
    if value is None:
        return b"N"
    if isinstance(value, bool):
        return b"T" if value else b"F"
    if isinstance(value, int):
        return b"i" + str(value).encode()
    if isinstance(value, float):
        return b"f" + repr(value).encode()
    if isinstance(value, str):
        return b"s" + value.encode("utf-8", "surrogatepass")
    if isinstance(value, bytes | bytearray | memoryview):
        return b"b" + bytes(value)
    if isinstance(value, dict | list):
        return b"j" + json.dumps(value, sort_keys=True, default=str).encode()
    return b"o" + type(value).__name__.encode() + b":" + str(value).encode()


@dataclass(frozen=True)
class TableHash:
    rows: int
    sha256: str


def _hash_rows(rows: Iterable[tuple]) -> TableHash:
    digest, count = hashlib.sha256(), 0
    for row in rows:
        for value in row:
            encoded = _encode(value)
            digest.update(len(encoded).to_bytes(8, "big") + encoded)
        digest.update(b"\n")
        count += 1
    return TableHash(count, digest.hexdigest())


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _SQLiteReader:
    """Reads a SQLite file through the plain driver (no type conversion: the stored values)."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)

    def tables(self) -> list[str]:
        rows = self.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
        return [name for (name,) in rows]

    def columns(self, table: str) -> tuple[list[str], list[str]]:
        info = self.db.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
        primary = [row[1] for row in sorted(info, key=lambda r: r[5]) if row[5]]
        return sorted(row[1] for row in info), primary

    def rows(self, sql: str) -> Iterator[tuple]:
        yield from self.db.execute(sql)

    def triggers(self) -> list[str]:
        found = self.db.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        return sorted(f"{table}.{name}" for table, name in found)

    def close(self) -> None:
        self.db.close()


class _PostgresReader:
    """Reads PostgreSQL in one read-only REPEATABLE READ transaction (one snapshot)."""

    def __init__(self) -> None:
        self.wrapper = connections.create_connection(DEFAULT_DB_ALIAS)
        self.wrapper.ensure_connection()
        self.wrapper.set_autocommit(False)
        self.raw = self.wrapper.connection
        self.raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    def export_snapshot(self) -> str:
        return self.raw.execute("SELECT pg_export_snapshot()").fetchone()[0]

    def tables(self) -> list[str]:
        rows = self.raw.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY c.relname"
        )
        return [name for (name,) in rows]

    def columns(self, table: str) -> tuple[list[str], list[str]]:
        regclass = _quote(table)
        names = self.raw.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass "
            "AND attnum > 0 AND NOT attisdropped",
            [regclass],
        )
        primary = self.raw.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
            "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = %s::regclass AND i.indisprimary "
            "ORDER BY array_position(i.indkey::int2[], a.attnum)",
            [regclass],
        )
        return sorted(name for (name,) in names), [name for (name,) in primary]

    def rows(self, sql: str) -> Iterator[tuple]:
        with self.raw.cursor(name="rapport_backup_rows") as cursor:  # server-side: flat memory
            cursor.itersize = 2000
            cursor.execute(sql)
            yield from cursor

    def triggers(self) -> list[str]:
        found = self.raw.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE NOT t.tgisinternal AND n.nspname = current_schema()"
        )
        return sorted(f"{table}.{name}" for table, name in found)

    def close(self) -> None:
        try:
            self.wrapper.rollback()
        finally:
            self.wrapper.close()


def _table_hashes(reader: _SQLiteReader | _PostgresReader) -> dict[str, TableHash]:
    hashes_ = {}
    for table in reader.tables():
        columns, primary = reader.columns(table)
        order = ", ".join(_quote(c) for c in primary or columns)
        select = ", ".join(_quote(c) for c in columns)
        sql = f"SELECT {select} FROM {_quote(table)} ORDER BY {order}"  # noqa: S608 (catalogue names)
        hashes_[table] = _hash_rows(reader.rows(sql))
    return hashes_


def _chain_heads(reader: _SQLiteReader | _PostgresReader) -> dict[str, dict]:
    chain = AuditChain._meta
    events = AuditEvent._meta.db_table
    heads = {
        str(key): {"head_seq": seq, "head_hash": head}
        for key, seq, head in reader.rows(
            f"SELECT chain, head_seq, head_hash FROM {_quote(chain.db_table)} ORDER BY chain"  # noqa: S608
        )
    }
    # Read to the end, so the server-side cursor is closed before the next query opens one.
    [(unsealed,)] = list(reader.rows(f"SELECT COUNT(*) FROM {_quote(events)} WHERE seq IS NULL"))  # noqa: S608
    return {"chains": heads, "unsealed_events": unsealed}


def _migrations(reader: _SQLiteReader | _PostgresReader) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in reader.rows("SELECT app, name FROM django_migrations ORDER BY app, name"):
        applied.setdefault(app, []).append(name)
    return applied


def _release() -> str:
    try:
        with (settings.BASE_DIR / "pyproject.toml").open("rb") as file:
            return tomllib.load(file)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def _manifest(reader: _SQLiteReader | _PostgresReader, engine: str) -> dict:
    return {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "engine": engine,
        "release": _release(),
        "migrations": _migrations(reader),
        "audit": _chain_heads(reader),
        "triggers": reader.triggers(),  # e.g. the audit log's append-only guard
        "tables": {
            name: {"rows": found.rows, "sha256": found.sha256}
            for name, found in _table_hashes(reader).items()
        },
    }


# --- The database ---------------------------------------------------------------


def engine() -> str:
    vendor = connections[DEFAULT_DB_ALIAS].vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _sqlite_path() -> Path:
    name = str(connections[DEFAULT_DB_ALIAS].settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(name)


def pg_tool(name: str) -> str:
    """The path of pg_dump or pg_restore, or a clear error (SQLite installs need neither)."""
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} was not found on PATH. Backups of a PostgreSQL database need the "
            f"PostgreSQL client tools (Debian: apt-get install postgresql-client), of the "
            "server's major version or newer."
        )
    return found


def _pg_env() -> dict[str, str]:
    """libpq settings through the environment: the password never appears in a process list."""
    db = connections[DEFAULT_DB_ALIAS].settings_dict
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
    ):
        if db.get("OPTIONS", {}).get(option):
            env[variable] = str(db["OPTIONS"][option])
    return env


def _errors_of(log: Path) -> str:
    """A tool's error lines without DETAIL/CONTEXT lines, which can quote row data."""
    lines = log.read_text(errors="replace").splitlines()
    kept = [line for line in lines if "error" in line.lower() and "CONTEXT" not in line][:5]
    return "\n".join(kept) or "(no error message)"


# --- Backup ---------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    bytes_written: int


def archive_name(now: datetime | None = None) -> str:
    """The time only: no clinic, person or host name ends up in a file name."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return f"rapport-backup-{stamp}{SUFFIX}"


def create_backup(directory: Path, *, name: str | None = None) -> BackupResult:
    """Write an encrypted archive of the database into ``directory``; return its manifest."""
    kind = engine()
    keys = backup_keys()
    key_id = next(iter(keys))
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / (name or archive_name())
    partial = target.with_name(target.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            sealer = Sealer(out, key_id, keys[key_id])
            write = _backup_sqlite if kind == "sqlite" else _backup_postgres
            manifest = write(sealer)
            sealer.close()
            out.flush()
            os.fsync(out.fileno())
        partial.replace(target)  # a finished archive only ever appears whole
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(target, manifest, target.stat().st_size)


def _write_manifest(sealer: Sealer, manifest: dict) -> None:
    encoded = json.dumps(manifest, sort_keys=True).encode()
    sealer.write(len(encoded).to_bytes(8, "big") + encoded)


def _copy(source: BinaryIO, sealer: Sealer) -> None:
    while chunk := source.read(CHUNK):
        sealer.write(chunk)


def _backup_sqlite(sealer: Sealer) -> dict:
    """Snapshot with the online backup API (safe while the app writes), then seal the copy."""
    live = _sqlite_path()
    with tempfile.TemporaryDirectory(prefix="rapport-backup-", dir=live.parent) as scratch:
        copy = Path(scratch) / "snapshot.sqlite3"
        source, dest = sqlite3.connect(live), sqlite3.connect(copy)
        try:
            source.backup(dest)
        finally:
            source.close()
            dest.close()
        with _reading(copy) as reader:
            manifest = _manifest(reader, "sqlite")
        _write_manifest(sealer, manifest)
        with copy.open("rb") as snapshot:
            _copy(snapshot, sealer)
    return manifest


def _backup_postgres(sealer: Sealer) -> dict:
    """Hash the tables in one snapshot and have pg_dump dump that same snapshot."""
    pg_dump = pg_tool("pg_dump")
    reader = _PostgresReader()
    try:
        snapshot = reader.export_snapshot()
        manifest = _manifest(reader, "postgresql")
        _write_manifest(sealer, manifest)
        args = [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}"]
        with tempfile.TemporaryDirectory() as scratch:
            log = Path(scratch) / "pg_dump.log"
            with log.open("wb") as errors:
                dump = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=errors, env=_pg_env())  # noqa: S603
                try:
                    _copy(dump.stdout, sealer)
                except BaseException:
                    dump.kill()  # e.g. the disk filled: no pg_dump left writing into a pipe
                    dump.wait()
                    raise
                dump.stdout.close()
            if dump.wait() != 0:
                raise BackupError(f"pg_dump failed:\n{_errors_of(log)}")
    finally:
        reader.close()  # the snapshot stays valid until pg_dump has finished
    return manifest


# --- Restore --------------------------------------------------------------------


def holds_data() -> bool:
    """Whether the configured database has rows beyond what ``migrate`` writes."""
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in SEEDED_BY_MIGRATE or table.startswith("sqlite_"):
                continue
            cursor.execute(f"SELECT 1 FROM {_quote(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                return True
    return False


@dataclass
class RestoreReport:
    manifest: dict
    tables_checked: int = 0
    audit_events_verified: int = 0
    audit_verified: bool = False
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def restore_backup(path: Path, *, force: bool = False) -> RestoreReport:
    """Check the archive whole, restore it, then prove the result matches its manifest."""
    keys = backup_keys()
    manifest = verify_archive(path, keys)  # nothing is touched unless every chunk is intact
    kind = engine()
    if manifest["engine"] != kind:
        raise BackupError(
            f"This is a {manifest['engine']} backup; the configured database is {kind}."
        )
    if kind == "postgresql":
        pg_tool("pg_restore")
    if not force and holds_data():
        raise BackupError(
            "The database already holds data. Restoring replaces all of it: run again with "
            "--force once you are sure (or restore into an empty database)."
        )
    connections.close_all()
    if kind == "sqlite":
        _restore_sqlite(path, keys, manifest)
    else:
        _restore_postgres(path, keys, manifest)
    connections.close_all()
    return check_restored(manifest)


def _restore_sqlite(path: Path, keys: dict[str, bytes], manifest: dict) -> None:
    live = _sqlite_path()
    live.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rapport-restore-", dir=live.parent) as scratch:
        copy = Path(scratch) / "restored.sqlite3"
        with open_archive(path, keys) as (_manifest, payload), copy.open("wb") as out:
            for chunk in payload:
                out.write(chunk)
        # Checked before the live file is touched: a copy unlike its manifest is never installed.
        mismatch = _compare_tables(manifest, _hashes_of_sqlite(copy))
        if mismatch:
            raise ArchiveError("The backup's database does not match its manifest: " + mismatch[0])
        source, dest = sqlite3.connect(copy), sqlite3.connect(live, timeout=20)
        try:
            source.backup(dest)  # page by page under SQLite's locks, WAL included
        finally:
            source.close()
            dest.close()


def _restore_postgres(path: Path, keys: dict[str, bytes], manifest: dict) -> None:
    """pg_restore in one transaction: if it fails part-way, the tables it replaces stay as
    they were (tables the backup does not have were already dropped)."""
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        strays = set(connection.introspection.table_names(cursor)) - set(manifest["tables"])
        for table in sorted(strays):  # tables of a later release, absent from the backup
            cursor.execute(f"DROP TABLE IF EXISTS {_quote(table)} CASCADE")
    connections.close_all()
    name = connection.settings_dict["NAME"]
    args = [
        pg_tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--single-transaction",
        "--exit-on-error",
        "--no-password",
        f"--dbname={name}",
    ]
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "pg_restore.log"
        with log.open("wb") as errors:
            restore = subprocess.Popen(args, stdin=subprocess.PIPE, stderr=errors, env=_pg_env())  # noqa: S603
            try:
                with open_archive(path, keys) as (_manifest, payload):
                    for chunk in payload:
                        restore.stdin.write(chunk)
                restore.stdin.close()
            except BrokenPipeError:
                pass  # pg_restore stopped early: its exit status and log say why
            except BaseException:
                restore.kill()  # no commit: the single transaction rolls back
                restore.wait()
                raise
        if restore.wait() != 0:
            raise BackupError(
                f"pg_restore failed; the database was left as it was:\n{_errors_of(log)}"
            )


@contextmanager
def _reading(path: Path | None = None) -> Iterator[_SQLiteReader | _PostgresReader]:
    """A reader of the SQLite file at ``path``, or else of the configured database."""
    if path is None and engine() == "sqlite":
        path = _sqlite_path()
    reader = _SQLiteReader(path) if path is not None else _PostgresReader()
    try:
        yield reader
    finally:
        reader.close()


def _hashes_of_sqlite(path: Path) -> dict[str, TableHash]:
    with _reading(path) as reader:
        return _table_hashes(reader)


def current_hashes() -> dict[str, TableHash]:
    """Every table's row count and content hash in the configured database, now."""
    with _reading() as reader:
        return _table_hashes(reader)


def _compare_triggers(manifest: dict) -> list[str]:
    with _reading() as reader:
        missing = set(manifest["triggers"]) - set(reader.triggers())
    return [f"trigger {name} is missing" for name in sorted(missing)]


def _compare_tables(manifest: dict, found: dict[str, TableHash]) -> list[str]:
    problems = []
    expected = manifest["tables"]
    for table in sorted(set(expected) | set(found)):
        if table not in found:
            problems.append(f"table {table} is missing")
        elif table not in expected:
            problems.append(f"table {table} is not in the backup")
        elif found[table].rows != expected[table]["rows"]:
            problems.append(
                f"table {table} has {found[table].rows} rows, the backup {expected[table]['rows']}"
            )
        elif found[table].sha256 != expected[table]["sha256"]:
            problems.append(f"table {table}: content differs from the backup")
    return problems


def check_restored(manifest: dict) -> RestoreReport:
    """Recompute every table's hash, then verify the audit chains against the manifest's heads."""
    report = RestoreReport(manifest)
    report.problems += _compare_tables(manifest, current_hashes())
    report.problems += _compare_triggers(manifest)
    report.tables_checked = len(manifest["tables"])
    report.notes += _migration_notes(manifest)
    if report.notes:  # this release's models would misread the backup's schema
        report.notes.append(
            "The audit chains were not verified yet: run `manage.py migrate` (with a release "
            "that knows every migration of the backup), then `manage.py verify_audit`."
        )
    else:
        _verify_audit(report)
    return report


def _verify_audit(report: RestoreReport) -> None:
    heads = report.manifest["audit"]["chains"]
    for clinic_id in audit.chain_ids():
        chain = audit.verify_chain(clinic_id)
        report.audit_events_verified += chain.verified
        report.problems += [f"audit: {problem}" for problem in chain.problems]
        head = heads.get(str(clinic_id or 0))
        if head and (chain.head_seq, chain.head_hash) != (head["head_seq"], head["head_hash"]):
            report.problems.append(
                f"audit chain {clinic_id or '-'} ends at position {chain.head_seq}, "
                f"the backup's at {head['head_seq']}"
            )
    report.audit_verified = True


def _migration_notes(manifest: dict) -> list[str]:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    applied = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    notes = []
    if applied - known:
        notes.append(
            f"The backup has {len(applied - known)} migration(s) this release does not know: "
            "it was made by a newer release. Run that release (or newer) on it."
        )
    if known - applied:
        notes.append(
            f"This release has {len(known - applied)} migration(s) the backup lacks: "
            "run `manage.py migrate` before serving."
        )
    return notes
