"""Chain verification inside PostgreSQL: one pass over the rows, no row sent to Python.

Verifying in Python costs a database round trip, type conversion and one HMAC
per row (about 25 s per million rows). Here PostgreSQL rebuilds each row's
canonical bytes, recomputes the HMAC with its built-in ``sha256()`` and
compares each row's link with the row before, and returns only the rows that
disagree. Each of those is then judged again by the Python check
(``rapport.core.audit``), which stays the definition: a text the SQL encodes
differently from Python's JSON (non-ASCII, an unusual address form) costs one
extra look, never a false alarm. No row can pass here that the Python check
would refuse: the SQL encoding differs from Python's only on bytes that
Python's escapes and that the SQL leaves raw, so it never reproduces another
row's canonical bytes.

The trade-off: PostgreSQL must hold the audit key while it hashes. The key's
inner and outer pads are sent as bind parameters of one statement (server-side
binding: not in the statement's text, so not in ``pg_stat_activity``), but a
server that logs statement parameters, or whoever controls the server, can
read them. docs/operations.md ("Audit log") says what that exposes and how to
keep the key in the application instead (``verify_audit --key-stays-local``).
"""

from __future__ import annotations

import hashlib
from typing import NamedTuple

from django.conf import settings
from django.db import connection

_BLOCK = 64  # SHA-256's block size: HMAC pads its key to this


def available() -> bool:
    """Whether the database can verify the chain itself (PostgreSQL 11 has ``sha256()``)."""
    return connection.vendor == "postgresql"


def _pads() -> tuple[bytes, bytes]:
    """HMAC-SHA256's inner and outer key pads (RFC 2104) for the audit key."""
    key = settings.RAPPORT_AUDIT_KEY.encode()
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


# The bytes of rapport.core.models.audit.canonical(), built in SQL: a JSON array with
# "," between items, the time as Python's isoformat() in UTC (microseconds only when
# not zero), and the field names sorted by code point. jsonb prints ", " between
# items; inside a JSON string a quote is always escaped, so '", "' is only ever that.
_CANONICAL = """
'[' || coalesce(e.clinic_id::text, 'null')
|| ',' || e.seq::text
|| ',"' || to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
    || CASE WHEN date_trunc('second', e.at) = e.at THEN ''
            ELSE to_char(e.at AT TIME ZONE 'UTC', '.US') END || '+00:00"'
|| ',' || coalesce(e.actor_id::text, 'null')
|| ',' || to_json(e.action)::text
|| ',' || to_json(e.object_type)::text
|| ',' || to_json(e.object_id)::text
|| ',' || coalesce('"' || e.subject_id::text || '"', 'null')
|| ',' || replace(e.fields::text, '", "', '","')
|| ',' || coalesce(to_json(host(e.address))::text, 'null')
|| ',' || to_json(e.prev_hash)::text || ']'
"""

_HMAC = f"encode(sha256(%(outer)s || sha256(%(inner)s || convert_to({_CANONICAL}, 'UTF8'))), 'hex')"

# Every row from ``first`` on, with the row before it in chain order (or the start
# given for the first); only the rows that disagree come back.
_DISAGREEING = """
WITH chain AS (
    SELECT e.id, e.seq, e.prev_hash, e.hash,
           lag(e.seq, 1, %(before_seq)s::bigint) OVER w AS before_seq,
           lag(e.hash, 1, %(before_hash)s::varchar) OVER w AS before_hash,
           {hmac} = e.hash AS as_sealed
    FROM core_auditevent e
    WHERE {clinic} AND e.seq >= %(first)s::bigint
    WINDOW w AS (ORDER BY e.seq)
)
SELECT id, seq, prev_hash, hash, before_seq, before_hash, as_sealed
FROM chain
WHERE seq <> before_seq + 1 OR prev_hash <> before_hash OR NOT as_sealed
ORDER BY seq
"""

_HEAD = "SELECT e.hash FROM core_auditevent e WHERE {clinic} AND e.seq = %(seq)s::bigint"
_EXTENT = """
SELECT count(*), max(e.seq) FROM core_auditevent e WHERE {clinic} AND e.seq >= %(first)s::bigint
"""


class Disagreement(NamedTuple):
    """A row whose link or hash the SQL pass could not confirm."""

    pk: int
    seq: int
    prev_hash: str
    hash: str
    before_seq: int  # the previous row's position (or the start's)
    before_hash: str  # the previous row's hash (or the start's)
    as_sealed: bool  # the recomputed HMAC equals the stored hash


class Pass(NamedTuple):
    rows: int
    head_seq: int | None  # None when no row is at or after ``first``
    head_hash: str | None
    disagreements: list[Disagreement]


def verify(clinic_id: int | None, first_seq: int, start_hash: str) -> Pass:
    """Check one chain from ``first_seq`` on, in the database; ``start_hash`` precedes it."""
    inner, outer = _pads()
    params = {
        "clinic": clinic_id,
        "first": first_seq,
        "before_seq": first_seq - 1,
        "before_hash": start_hash,
        "inner": inner,
        "outer": outer,
    }
    # "IS NULL" or "=": either reads the (clinic, seq) index; IS NOT DISTINCT FROM cannot.
    where = "e.clinic_id IS NULL" if clinic_id is None else "e.clinic_id = %(clinic)s::bigint"
    # A server-side-binding cursor: the pads travel apart from the statement's text.
    with _binding_cursor() as cursor:
        cursor.execute(_DISAGREEING.format(hmac=_HMAC, clinic=where), params)
        disagreements = [Disagreement(*row) for row in cursor.fetchall()]
        cursor.execute(_EXTENT.format(clinic=where), {"clinic": clinic_id, "first": first_seq})
        rows, head_seq = cursor.fetchone()
        head_hash = None
        if head_seq is not None:
            cursor.execute(_HEAD.format(clinic=where), {"clinic": clinic_id, "seq": head_seq})
            head_hash = cursor.fetchone()[0]
    return Pass(rows, head_seq, head_hash, disagreements)


def _binding_cursor():
    import psycopg

    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)
