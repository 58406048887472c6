"""Chain heads exported off the database, signed, so a truncated audit tail shows.

The hash chain exposes an edited, deleted or reordered row, but not the newest
rows deleted together with the chain's head: what is left is a shorter chain,
intact. So the worker writes each chain's head (position and hash, nothing
else: no personal data) on a schedule to a file outside the database and
e-mails it to the clinic's admins. ``verify_audit`` checks the chain still
reaches the last checkpoint with the same hash.

A checkpoint is one JSON line, signed with an HMAC under the audit key.
"""

from __future__ import annotations

import hmac
import json
import os
import re
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from rapport.core import jobs
from rapport.core.models import AuditChain, Role, User
from rapport.core.outbox import queue_email

KIND = "rapport-audit-checkpoint"
_LINE = re.compile(r'\{"kind":"' + KIND + r'"[^{}]*\}')
_SOFT_BREAK = re.compile(r"=\r?\n")
_SPACE = re.compile(r"\s+")
_QUOTED = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.MULTILINE)
# The worker looks for due chains this often, not on every pass: idle passes stay probes.
PROBE_EVERY = timedelta(minutes=1)
_next_probe = {"at": 0.0}  # time.monotonic(): per process


@dataclass(frozen=True)
class Checkpoint:
    """One chain's head at one moment: ``chain`` is the clinic id, 0 for no clinic."""

    chain: int
    head_seq: int
    head_hash: str
    at: str  # ISO 8601, UTC
    signature: str = ""

    def _payload(self) -> bytes:
        fields = [KIND, 1, self.chain, self.head_seq, self.head_hash, self.at]
        return json.dumps(fields, separators=(",", ":")).encode()

    def _expected_signature(self) -> str:
        key = f"checkpoint:{settings.RAPPORT_AUDIT_KEY}".encode()
        return hmac.digest(key, self._payload(), "sha256").hex()

    def signed(self) -> Checkpoint:
        return Checkpoint(
            self.chain, self.head_seq, self.head_hash, self.at, self._expected_signature()
        )

    @property
    def authentic(self) -> bool:
        return hmac.compare_digest(self.signature, self._expected_signature())

    def to_line(self) -> str:
        return json.dumps({"kind": KIND, **asdict(self)}, separators=(",", ":"))


def parse(text: str) -> list[Checkpoint]:
    """Every checkpoint in ``text``: a checkpoint file, or an e-mail saved whole.

    A mail client may wrap the line, break it softly (``=`` at line ends) or quote
    it (``>``): a checkpoint holds no white space, so all of that is removed first.
    """
    compact = _SPACE.sub("", _QUOTED.sub("", _SOFT_BREAK.sub("", text)))
    found = []
    for match in _LINE.finditer(compact):
        try:
            data = json.loads(match.group())
            found.append(
                Checkpoint(
                    int(data["chain"]),
                    int(data["head_seq"]),
                    str(data["head_hash"]),
                    str(data["at"]),
                    str(data["signature"]),
                )
            )
        except (ValueError, KeyError, TypeError):
            continue  # a damaged line is no checkpoint; the others still count
    return found


def stored(directory: Path | None = None) -> list[Checkpoint]:
    """Every checkpoint in the checkpoint directory."""
    directory = Path(directory or settings.RAPPORT_AUDIT_CHECKPOINT_DIR)
    if not directory.is_dir():
        return []
    return [
        cp for path in sorted(directory.glob("chain-*.jsonl")) for cp in parse(path.read_text())
    ]


def latest(checkpoints: Iterable[Checkpoint]) -> dict[int, Checkpoint]:
    """Per chain, the authentic checkpoint furthest along."""
    best: dict[int, Checkpoint] = {}
    for cp in checkpoints:
        if cp.authentic and (cp.chain not in best or cp.head_seq > best[cp.chain].head_seq):
            best[cp.chain] = cp
    return best


# --- Writing (the worker) ----------------------------------------------------------


@jobs.register("audit_checkpoint")
def export_due_checkpoints(worker: str) -> int:
    """Export every chain whose head moved and whose last export is older than the interval."""
    if time.monotonic() < _next_probe["at"]:
        return 0
    _next_probe["at"] = time.monotonic() + PROBE_EVERY.total_seconds()
    return sum(export(pk) for pk in _due(timezone.now()).values_list("pk", flat=True))


def _due(now: datetime) -> models.QuerySet[AuditChain]:
    before = now - timedelta(hours=settings.RAPPORT_AUDIT_CHECKPOINT_HOURS)
    last_export_old = models.Q(exported_at__isnull=True) | models.Q(exported_at__lte=before)
    return AuditChain.objects.filter(last_export_old).exclude(head_seq=models.F("exported_seq"))


def export(chain_pk: int) -> int:
    """Write one chain's head to its file and queue it to the clinic's admins; 1 if done.

    The chain row is locked while it is read and marked exported, so two
    workers never export it twice (the sealing worker skips it meanwhile).
    """
    now = timezone.now()
    with transaction.atomic():
        chain = _due(now).select_for_update(skip_locked=True).filter(pk=chain_pk).first()
        if chain is None:
            return 0  # exported meanwhile, or another worker holds it
        checkpoint = Checkpoint(
            chain.chain, chain.head_seq, chain.head_hash, now.isoformat(timespec="seconds")
        ).signed()
        _append(checkpoint)
        _email_admins(checkpoint)
        AuditChain.objects.filter(pk=chain.pk).update(exported_seq=chain.head_seq, exported_at=now)
    return 1


def _append(checkpoint: Checkpoint) -> None:
    directory = Path(settings.RAPPORT_AUDIT_CHECKPOINT_DIR)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(directory / f"chain-{checkpoint.chain}.jsonl", "a", encoding="utf-8") as out:
        out.write(checkpoint.to_line() + "\n")
        out.flush()
        os.fsync(out.fileno())  # on disk before the export is marked done


def _email_admins(checkpoint: Checkpoint) -> None:
    if not checkpoint.chain:
        return  # events without a clinic (failed sign-ins) have no admins: the file only
    admins = (
        User.objects.filter(
            clinic_id=checkpoint.chain, is_active=True, staff_roles__role=Role.CLINIC_ADMIN
        )
        .select_related("clinic")
        .distinct()
    )
    for admin in admins:
        queue_email(
            "core/emails/audit_checkpoint",
            to=admin.email,
            context={"line": checkpoint.to_line(), "checkpoint": checkpoint},
            clinic=admin.clinic,
        )
