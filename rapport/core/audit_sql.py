"""Chain verification inside PostgreSQL: two passes over the rows, no row sent to Python.

Verifying in Python costs a database round trip, type conversion and one HMAC
per row (about 25 s per million rows). Here PostgreSQL rebuilds each row's
canonical bytes and recomputes the HMAC with its built-in ``sha256()`` (one
pass, row by row, which parallel workers can share), compares each row's link
with the row before (a second, cheap pass), and returns only the rows that
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
from django.db import connection, transaction

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
# not zero: '.000000' can stand nowhere else), and the field names sorted by code
# point. jsonb prints ", " between items; inside a JSON string a quote is always
# escaped, so '", "' is only ever that. ``%(head)s`` is '[<clinic id>,': the query
# reads one clinic's rows, so its id need not be turned into text a million times.
_CANONICAL = """
%(head)s || e.seq::text
|| ',"' || replace(to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), '.000000', '')
|| '+00:00",' || coalesce(e.actor_id::text, 'null')
|| ',' || to_json(e.action)::text
|| ',' || to_json(e.object_type)::text
|| ',' || to_json(e.object_id)::text
|| ',' || coalesce('"' || e.subject_id::text || '"', 'null')
|| ',' || replace(e.fields::text, '", "', '","')
|| ',' || coalesce(to_json(host(e.address))::text, 'null')
|| ',' || to_json(e.prev_hash)::text || ']'
"""

_HMAC = f"encode(sha256(%(outer)s || sha256(%(inner)s || convert_to({_CANONICAL}, 'UTF8'))), 'hex')"

# Pass 1, the costly one: each row's HMAC on its own, so PostgreSQL may share the rows
# among parallel workers (no window function here). A NULL anywhere (a column made
# nullable behind the application's back) counts as a disagreement, never as a match.
_UNSEALED_LOOKING = """
SELECT e.id, e.seq, e.prev_hash, e.hash
FROM core_auditevent e
WHERE {clinic} AND e.seq BETWEEN %(first)s::bigint AND %(last)s::bigint
  AND ({hmac} = e.hash) IS NOT TRUE
"""

# Pass 2, cheap: each row's position and link against the row before it in chain order
# (or the start given for the first), reading three short columns. The last row comes
# back too: it is the head, and its row number is how many rows were checked.
_MISLINKED = """
WITH chain AS (
    SELECT e.id, e.seq, e.prev_hash, e.hash,
           lag(e.seq, 1, %(before_seq)s::bigint) OVER w AS before_seq,
           lag(e.hash, 1, %(before_hash)s::varchar) OVER w AS before_hash,
           e.seq = %(last)s::bigint AS last,
           row_number() OVER w AS rows
    FROM core_auditevent e
    WHERE {clinic} AND e.seq BETWEEN %(first)s::bigint AND %(last)s::bigint
    WINDOW w AS (ORDER BY e.seq)
)
SELECT id, seq, prev_hash, hash, before_seq, before_hash, last, rows
FROM chain
WHERE seq <> before_seq + 1 OR prev_hash IS DISTINCT FROM before_hash OR last
ORDER BY seq
"""

# Let the planner give pass 1 to parallel workers (up to the server's
# max_parallel_workers_per_gather): it returns almost no rows and hashing dominates,
# which the default costs (every function at cost 1) do not see.
_PARALLEL = ("parallel_setup_cost = 0", "parallel_tuple_cost = 0")

_LAST = "SELECT max(e.seq) FROM core_auditevent e WHERE {clinic} AND e.seq >= %(first)s::bigint"


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
    # "IS NULL" or "=": either reads the (clinic, seq) index; IS NOT DISTINCT FROM cannot.
    where = "e.clinic_id IS NULL" if clinic_id is None else "e.clinic_id = %(clinic)s::bigint"
    bounds = {"clinic": clinic_id, "first": first_seq}
    # A server-side-binding cursor: the pads travel apart from the statement's text.
    with transaction.atomic(), _binding_cursor() as cursor:
        # Both passes read the rows up to the head seen now: a row sealed meanwhile waits
        # for the next run instead of being counted without its hash checked.
        cursor.execute(_LAST.format(clinic=where), bounds)
        (last,) = cursor.fetchone()
        if last is None:
            return Pass(0, None, None, [])
        bounds["last"] = last
        head = "[" + ("null" if clinic_id is None else str(int(clinic_id))) + ","
        hashing = {**bounds, "head": head, "inner": inner, "outer": outer}
        try:
            for setting in _PARALLEL:
                cursor.execute(f"SET LOCAL {setting}")
            cursor.execute(_UNSEALED_LOOKING.format(hmac=_HMAC, clinic=where), hashing)
            unconfirmed = {row[0]: row for row in cursor.fetchall()}
        finally:
            for setting in _PARALLEL:  # inside a caller's transaction, as it was before
                cursor.execute(f"RESET {setting.split()[0]}")
        links = {**bounds, "before_seq": first_seq - 1, "before_hash": start_hash}
        cursor.execute(_MISLINKED.format(clinic=where), links)
        mislinked = cursor.fetchall()
    return _merged(unconfirmed, mislinked)


def _merged(unconfirmed: dict[int, tuple], mislinked: list[tuple]) -> Pass:
    """One list of disagreements, in chain order, from the two passes."""
    rows, head_seq, head_hash = 0, None, None
    found: dict[int, Disagreement] = {}
    for pk, seq, prev_hash, hash_, before_seq, before_hash, last, number in mislinked:
        if last:
            rows, head_seq, head_hash = number, seq, hash_
            if seq == before_seq + 1 and prev_hash == before_hash and pk not in unconfirmed:
                continue  # the head only: it agrees
        sealed = pk not in unconfirmed
        found[pk] = Disagreement(pk, seq, prev_hash, hash_, before_seq, before_hash, sealed)
    for pk, seq, prev_hash, hash_ in unconfirmed.values():
        # Not in pass 2's answer, so its position and link agree with the row before.
        found.setdefault(pk, Disagreement(pk, seq, prev_hash, hash_, seq - 1, prev_hash, False))
    return Pass(rows, head_seq, head_hash, sorted(found.values(), key=lambda row: row.seq))


def _binding_cursor():
    import psycopg

    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)
