"""One call to record an audit event, and the chain verification.

    audit.record(request, "clients.client.viewed", client)

Action codes are namespaced ``app.object.verb``. ``fields`` names what
changed, never the values: clinical content does not enter the log.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db import IntegrityError, models, transaction
from django.db.models import Count, Min
from django.http import HttpRequest
from django.utils import timezone

from rapport.core import audit_sql, jobs
from rapport.core.models.audit import (
    CHAINED_FIELDS,
    GENESIS,
    AuditChain,
    AuditEvent,
    canonical,
    seal_hash,
)
from rapport.core.net import client_address

if TYPE_CHECKING:
    from rapport.core.audit_checkpoints import Checkpoint


def record(
    request: HttpRequest | None,
    action: str,
    obj: models.Model | None = None,
    *,
    fields: Iterable[str] = (),
    actor: Any = None,
    clinic: Any = None,
    object_type: str = "",
    object_id: str = "",
) -> AuditEvent:
    """Insert one unsealed event in the caller's transaction; the worker seals it.

    No lock and no read of the chain: audited requests never wait on each
    other. The event commits or rolls back with the write it records.
    Without ``obj``, ``object_type`` and ``object_id`` name what was asked for.
    """
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    clinic_id = clinic.pk if clinic is not None else _clinic_id_of(obj)
    if clinic_id is None:
        clinic_id = getattr(actor, "clinic_id", None)
    event = AuditEvent(
        clinic_id=clinic_id,
        at=timezone.now(),
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else object_type,
        object_id=str(getattr(obj, "public_id", "")) if obj is not None else object_id,
        subject_id=getattr(obj, "audit_subject_id", None),
        fields=sorted(fields),
        address=client_address(request) if request is not None else None,
    )
    event.save(force_insert=True)
    return event


def _clinic_id_of(obj: models.Model | None) -> int | None:
    if obj is None:
        return None
    if obj._meta.label_lower == "core.clinic":
        return obj.pk
    return getattr(obj, "clinic_id", None)


# --- Sealing (the worker) ---------------------------------------------------------

# An event is sealed only once it is this old: a request transaction that wrote a
# lower id and is still open commits within it, so chain order follows id order.
# A transaction open longer still loses nothing: its event is sealed in the next
# batch, after rows with higher ids (docs/operations.md, "Audit log").
SEAL_AFTER = timedelta(seconds=30)
SEAL_BATCH = 500


@jobs.register("audit_seal")
def seal_unsealed_events(worker: str) -> int:
    """Seal every clinic's settled unsealed events into its chain; return how many."""
    sealed = 0
    for clinic_id in _clinics_with_unsealed():
        while True:
            done = seal(clinic_id)
            sealed += done
            if done < SEAL_BATCH:  # the chain is settled, or another worker holds it
                break
    return sealed


def _clinics_with_unsealed() -> list[int | None]:
    ids = AuditEvent.objects.unsealed().order_by().values_list("clinic_id", flat=True)
    return sorted(set(ids.distinct()), key=lambda c: c or 0)


def seal(clinic_id: int | None) -> int:
    """Seal up to ``SEAL_BATCH`` of one clinic's settled events, in id order, in one transaction.

    The chain row is locked first (``FOR UPDATE SKIP LOCKED`` on PostgreSQL: a
    second worker skips the clinic this pass; SQLite serialises writers), and
    the unsealed rows are read after the lock, so no row is sealed twice.
    """
    _chain_row(clinic_id)
    settled = timezone.now() - SEAL_AFTER
    with transaction.atomic():
        chain = (
            AuditChain.objects.select_for_update(skip_locked=True)
            .filter(chain=clinic_id or 0)
            .first()
        )
        if chain is None:
            return 0  # another worker is sealing this chain right now
        rows = AuditEvent.objects.unsealed().filter(clinic_id=clinic_id).order_by("pk")
        # Seal in id order: nothing at or past the first row that has not settled. Found
        # first, so a busy minute's fresh events are not read on every idle pass.
        unsettled = rows.filter(at__gte=settled).values_list("pk", flat=True).first()
        if unsettled is not None:
            rows = rows.filter(pk__lt=unsettled)
        count = 0
        for event in rows[:SEAL_BATCH]:
            event.seq, event.prev_hash = chain.head_seq + 1, chain.head_hash
            event.hash = event.compute_hash()
            if AuditEvent.objects.seal(event) != 1:
                raise RuntimeError(f"audit event {event.pk} was sealed concurrently")
            chain.head_seq, chain.head_hash = event.seq, event.hash
            count += 1
        if count:
            chain.sealed_at = timezone.now()
            chain.save(update_fields=["head_seq", "head_hash", "sealed_at"])
    return count


def _chain_row(clinic_id: int | None) -> None:
    """Create the clinic's chain row once, starting from rows sealed before it existed."""
    if AuditChain.objects.filter(chain=clinic_id or 0).exists():
        return
    last = sealed_events(clinic_id).order_by("-seq").first()
    try:
        with transaction.atomic():
            AuditChain.objects.create(
                chain=clinic_id or 0,
                head_seq=last.seq if last else 0,
                head_hash=last.hash if last else GENESIS,
            )
    except IntegrityError:
        pass  # another worker created it first


def sealed_events(clinic_id: int | None) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(clinic_id=clinic_id, seq__isnull=False)


@dataclass(frozen=True)
class Backlog:
    unsealed: int
    oldest_seconds: int  # 0 when nothing waits


def backlog() -> Backlog:
    """How many events wait for the worker to seal them, and the oldest one's age."""
    found = AuditEvent.objects.unsealed().aggregate(n=Count("pk"), oldest=Min("at"))
    oldest = found["oldest"]
    age = 0 if oldest is None else max(0, int((timezone.now() - oldest).total_seconds()))
    return Backlog(found["n"], age)


# --- Verification ----------------------------------------------------------------


@dataclass(frozen=True)
class ChainProblem:
    clinic_id: int | None
    seq: int
    event_id: int | None
    problem: str

    def __str__(self) -> str:
        chain = f"clinic {self.clinic_id}" if self.clinic_id else "no clinic"
        event = f"event #{self.event_id}" if self.event_id is not None else "chain"
        return f"[{chain}] {event} (position {self.seq}): {self.problem}"


@dataclass
class ChainReport:
    """One chain's verification: what was checked, what is wrong, what waits to be sealed."""

    clinic_id: int | None
    first_seq: int = 1
    verified: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    problems: list[ChainProblem] = field(default_factory=list)


def chain_ids() -> list[int | None]:
    ids = AuditEvent.objects.order_by().values_list("clinic_id", flat=True).distinct()
    known = {c.clinic_id for c in AuditChain.objects.all()}
    return sorted(set(ids) | known, key=lambda c: c or 0)


def verify_chain(
    clinic_id: int | None,
    *,
    incremental: bool = False,
    batch_size: int = 2000,
    exported: Checkpoint | None = None,
    in_database: bool | None = None,
) -> ChainReport:
    """Walk one clinic's sealed rows in chain order and report where they disagree.

    Full: from position 1. Incremental: from the last checkpoint, after checking
    that the checkpoint's row still carries the hash recorded there. A clean
    pass moves the checkpoint to the chain's last sealed row. ``exported`` is
    the chain's last checkpoint kept off the database: the chain must still
    reach it, with the same hash there (a truncated tail shows only that way).
    ``in_database`` (the default on PostgreSQL) lets the database hash the rows
    (``rapport.core.audit_sql``); False keeps the audit key in this process.
    """
    _chain_row(clinic_id)
    chain = AuditChain.objects.get(chain=clinic_id or 0)
    report = ChainReport(clinic_id)
    expected_seq, prev_hash = 1, GENESIS
    if incremental and chain.checkpoint_seq:
        expected_seq, prev_hash = chain.checkpoint_seq + 1, chain.checkpoint_hash
        report.first_seq = expected_seq
        at_checkpoint = sealed_events(clinic_id).filter(seq=chain.checkpoint_seq).first()
        if at_checkpoint is None or at_checkpoint.hash != chain.checkpoint_hash:
            report.problems.append(
                ChainProblem(
                    clinic_id,
                    chain.checkpoint_seq,
                    at_checkpoint.pk if at_checkpoint else None,
                    "the row at the last checkpoint was changed or removed",
                )
            )
    if in_database is None:
        in_database = audit_sql.available()
    walk = _walk_in_database if in_database else _walk_in_python
    walk(clinic_id, report, expected_seq, prev_hash, batch_size)
    if chain.head_seq > report.head_seq:
        report.problems.append(
            ChainProblem(
                clinic_id,
                chain.head_seq,
                None,
                f"the chain was sealed up to position {chain.head_seq}: newest rows deleted",
            )
        )
    if exported is not None:
        report.problems.extend(_against_export(clinic_id, report, exported))
    if not report.problems:
        AuditChain.objects.filter(pk=chain.pk).update(
            checkpoint_seq=report.head_seq,
            checkpoint_hash=report.head_hash,
            checkpoint_at=timezone.now(),
        )
    return report


def _walk_in_python(
    clinic_id: int | None, report: ChainReport, expected_seq: int, prev_hash: str, batch: int
) -> None:
    """Fetch every row from ``expected_seq`` on and check it here: the key stays local."""
    rows = (
        sealed_events(clinic_id)
        .filter(seq__gte=expected_seq)
        .order_by("seq")
        .values_list("pk", "hash", *CHAINED_FIELDS)  # tuples: no model per row
    )
    for pk, stored_hash, *chained in rows.iterator(chunk_size=batch):
        row = _SealedRow(pk, chained[1], chained[-1], stored_hash, seal_hash(canonical(*chained)))
        report.problems.extend(_check(clinic_id, row, expected_seq, prev_hash))
        report.verified += 1
        expected_seq, prev_hash = row.seq + 1, row.hash
    report.head_seq, report.head_hash = expected_seq - 1, prev_hash


def _walk_in_database(
    clinic_id: int | None, report: ChainReport, expected_seq: int, prev_hash: str, batch: int
) -> None:
    """Let the database check every row; judge here only the rows it could not confirm."""
    found = audit_sql.verify(clinic_id, expected_seq, prev_hash)
    unconfirmed = [row.pk for row in found.disagreements if not row.as_sealed]
    recomputed: dict[int, str] = {}
    for start in range(0, len(unconfirmed), batch):
        rows = sealed_events(clinic_id).filter(pk__in=unconfirmed[start : start + batch])
        for pk, *chained in rows.values_list("pk", *CHAINED_FIELDS):
            recomputed[pk] = seal_hash(canonical(*chained))
    for row in found.disagreements:
        again = row.hash if row.as_sealed else recomputed.get(row.pk, "")
        sealed = _SealedRow(row.pk, row.seq, row.prev_hash, row.hash, again)
        report.problems.extend(_check(clinic_id, sealed, row.before_seq + 1, row.before_hash))
    report.verified = found.rows
    if found.head_seq is not None:
        report.head_seq, report.head_hash = found.head_seq, found.head_hash
    else:
        report.head_seq, report.head_hash = expected_seq - 1, prev_hash


def _against_export(
    clinic_id: int | None, report: ChainReport, exported: Checkpoint
) -> Iterator[ChainProblem]:
    if not exported.head_seq:
        return
    if report.head_seq < exported.head_seq:
        yield ChainProblem(
            clinic_id,
            exported.head_seq,
            None,
            f"the chain ends at position {report.head_seq}, but the checkpoint of "
            f"{exported.at} recorded position {exported.head_seq}: newest rows deleted",
        )
        return
    row = sealed_events(clinic_id).filter(seq=exported.head_seq).values_list("pk", "hash").first()
    if row is None or row[1] != exported.head_hash:
        yield ChainProblem(
            clinic_id,
            exported.head_seq,
            row[0] if row else None,
            f"differs from the checkpoint of {exported.at}: the chain was rewritten",
        )


class _SealedRow(NamedTuple):
    pk: int
    seq: int
    prev_hash: str
    hash: str
    recomputed: str


def _check(
    clinic_id: int | None, event: _SealedRow, expected_seq: int, prev_hash: str
) -> Iterator[ChainProblem]:
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
    if event.recomputed != event.hash:
        yield ChainProblem(clinic_id, event.seq, event.pk, "contents edited after writing")
