"""One call to record an audit event, and the chain verification.

    audit.record(request, "clients.client.viewed", client)

Action codes are namespaced ``app.object.verb``. ``fields`` names what
changed, never the values: clinical content does not enter the log.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from rapport.core.models.audit import GENESIS, AuditEvent
from rapport.core.net import client_address

_LOCK_NAMESPACE = 0x5241  # "RA": keeps our advisory locks apart from others'


def record(
    request: HttpRequest | None,
    action: str,
    obj: models.Model | None = None,
    *,
    fields: Iterable[str] = (),
    actor: Any = None,
    clinic: Any = None,
) -> AuditEvent:
    """Append one event to the clinic's chain, inside the caller's transaction."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if clinic is None:
        clinic = _clinic_of(obj) or getattr(actor, "clinic", None)
    clinic_id = clinic.pk if clinic is not None else None
    with transaction.atomic():
        _lock_chain(clinic_id)
        last = AuditEvent.objects.filter(clinic_id=clinic_id).order_by("-seq").first()
        event = AuditEvent(
            clinic_id=clinic_id,
            seq=(last.seq + 1) if last else 1,
            at=timezone.now(),
            actor=actor,
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(getattr(obj, "public_id", "")) if obj is not None else "",
            subject_id=getattr(obj, "audit_subject_id", None),
            fields=sorted(fields),
            address=client_address(request) if request is not None else None,
            prev_hash=last.hash if last else GENESIS,
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
    return event


def _clinic_of(obj: models.Model | None) -> Any:
    if obj is None:
        return None
    if obj._meta.label_lower == "core.clinic":
        return obj
    return getattr(obj, "clinic", None)


def _lock_chain(clinic_id: int | None) -> None:
    """Serialise appends to one chain. SQLite's IMMEDIATE transactions already do."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, clinic_id or 0]
            )


@dataclass(frozen=True)
class ChainProblem:
    clinic_id: int | None
    seq: int
    event_id: int
    problem: str

    def __str__(self) -> str:
        chain = f"clinic {self.clinic_id}" if self.clinic_id else "no clinic"
        return f"[{chain}] event #{self.event_id} (position {self.seq}): {self.problem}"


def verify_chain(batch_size: int = 2000) -> Iterator[ChainProblem]:
    """Yield every place where the stored chain disagrees with itself."""
    clinic_ids = AuditEvent.objects.order_by().values_list("clinic_id", flat=True).distinct()
    for clinic_id in sorted(clinic_ids, key=lambda c: c or 0):
        expected_seq, prev_hash = 1, GENESIS
        rows = AuditEvent.objects.filter(clinic_id=clinic_id).order_by("seq")
        for event in rows.iterator(chunk_size=batch_size):
            if event.seq != expected_seq:
                yield ChainProblem(
                    clinic_id,
                    event.seq,
                    event.pk,
                    f"expected position {expected_seq}: rows deleted or reordered",
                )
            if event.prev_hash != prev_hash:
                yield ChainProblem(
                    clinic_id,
                    event.seq,
                    event.pk,
                    "does not follow the previous row: rows deleted, inserted or reordered",
                )
            if event.compute_hash() != event.hash:
                yield ChainProblem(clinic_id, event.seq, event.pk, "contents edited after writing")
            expected_seq, prev_hash = event.seq + 1, event.hash
