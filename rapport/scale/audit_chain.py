"""A long sealed audit chain, for timing ``verify_audit`` (``manage.py time_verify_audit``).

Rows go into a clinic of their own, already sealed with the real HMAC in chain
order, as the worker would have sealed them; the chain's verification
checkpoint is set to where the chain stood before, so ``verify_audit
--incremental`` checks exactly the new rows. Deterministic content from one
seeded generator; no personal data (ids, action names, private addresses).
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from rapport.core.models import AuditChain, Clinic, User
from rapport.core.models.audit import GENESIS, canonical, seal_hash

CLINIC_NAME = "Audit chain at scale (synthetic)"
_ACTIONS = (
    ("clients.client.viewed", "clients.client", ()),
    ("ipt.episode.viewed", "ipt.episode", ()),
    ("ipt.note.viewed", "ipt.sessionnote", ()),
    ("ipt.note.saved", "ipt.sessionnote", ("content", "phase")),
    ("clients.background.updated", "clients.client", ("background",)),
)
_COLUMNS = (
    "clinic_id",
    "seq",
    "at",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "subject_id",
    "fields",
    "address",
    "prev_hash",
    "hash",
)
BATCH = 20_000


def append(rows: int, *, progress: Callable[[int], object] = lambda n: None) -> AuditChain:
    """Append ``rows`` sealed events to the synthetic clinic's chain; return the chain."""
    clinic, _ = Clinic.objects.get_or_create(name=CLINIC_NAME)
    actors = list(User.objects.order_by("pk").values_list("pk", flat=True)[:50]) or [None]
    with transaction.atomic():
        chain, _ = AuditChain.objects.select_for_update().get_or_create(chain=clinic.pk)
        chain.checkpoint_seq, chain.checkpoint_hash = chain.head_seq, chain.head_hash
        chain.checkpoint_at = timezone.now()
        seq, head = chain.head_seq, chain.head_hash or GENESIS
        rng = random.Random(f"audit-chain-{seq}")  # noqa: S311  (synthetic data)
        with connection.cursor() as cursor:
            copy_sql = f"COPY core_auditevent ({', '.join(_COLUMNS)}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in _sealed(clinic.pk, seq, head, rows, actors, rng):
                    copy.write_row(row)
                    seq, head = row[1], row[-1]
                    if seq % BATCH == 0:
                        progress(BATCH)
        chain.head_seq, chain.head_hash, chain.sealed_at = seq, head, timezone.now()
        chain.save()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_auditevent")
    return chain


def _sealed(
    clinic_id: int, seq: int, head: str, rows: int, actors: list, rng: random.Random
) -> Iterator[tuple]:
    at = datetime(2024, 1, 1, 8, tzinfo=UTC)
    subjects = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(500)]
    for _ in range(rows):
        seq += 1
        at += timedelta(microseconds=rng.randrange(1, 30_000_000))
        if rng.random() < 0.05:
            at = at.replace(microsecond=0)  # isoformat() then drops the fraction
        action, object_type, fields = rng.choice(_ACTIONS)
        address = f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        written = (
            clinic_id,
            seq,
            at,
            rng.choice(actors),
            action,
            object_type,
            str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            rng.choice(subjects),
            list(fields),
            address if rng.random() < 0.9 else None,
            head,
        )
        head = seal_hash(canonical(*written))
        yield (*written[:8], json.dumps(written[8]), *written[9:], head)
