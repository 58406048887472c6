"""The append-only audit log, sealed by a keyed hash chain per clinic.

A request only inserts its event (unsealed: no ``seq``, no hashes); the worker
seals events into their clinic's chain later (``rapport.core.audit.seal``).
"""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit log is append-only.")

    def unsealed(self) -> AuditEventQuerySet:
        return self.filter(seq__isnull=True)

    def seal(self, event: AuditEvent) -> int:
        """The one change an event takes: its place in the chain, set once from empty.

        Writes ``seq``, ``prev_hash`` and ``hash`` of ``event`` to its row only while
        that row is still unsealed; returns 1 when sealed, 0 when it already was.
        """
        row = self.filter(pk=event.pk, seq__isnull=True)
        return models.QuerySet.update(
            row, seq=event.seq, prev_hash=event.prev_hash, hash=event.hash
        )

    def delete(self):
        raise TypeError("The audit log is append-only.")


class AuditEvent(models.Model):
    """Who did what to which object, when and from where — never clinical content.

    Sealed rows form one chain per clinic (``seq`` 1, 2, …); each row's ``hash``
    is an HMAC over its own fields and the previous row's hash, so editing,
    deleting or reordering a sealed row breaks the chain (``manage.py
    verify_audit``). A row is written unsealed (``seq`` null, hashes empty) in
    the request's transaction and sealed by the worker in id order.
    """

    clinic = models.ForeignKey(
        "core.Clinic", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    seq = models.PositiveBigIntegerField(null=True, blank=True)  # null until sealed
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # The opaque id of the client the event concerns, for "everything about X".
    subject_id = models.UUIDField(null=True, blank=True, db_index=True)
    fields = models.JSONField(default=list, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        constraints = [
            models.UniqueConstraint(fields=["clinic", "seq"], name="unique_audit_seq_per_clinic"),
        ]
        indexes = [
            # The sealing claim: each clinic's unsealed rows in id order.
            models.Index(
                fields=["clinic", "id"],
                condition=models.Q(seq__isnull=True),
                name="audit_unsealed",
            ),
            # The audit page: a clinic's newest events first.
            models.Index(fields=["clinic", "-id"], name="audit_newest"),
            # The audit page filtered by who, what or which client: newest first still.
            models.Index(fields=["clinic", "actor", "-id"], name="audit_by_actor"),
            models.Index(fields=["clinic", "action", "-id"], name="audit_by_action"),
            models.Index(fields=["clinic", "subject_id", "-id"], name="audit_by_subject"),
            # A date filter's bounds: the last row before a day, the first after.
            models.Index(fields=["clinic", "at"], name="audit_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise TypeError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit log is append-only.")

    def canonical(self) -> bytes:
        return canonical(*(getattr(self, name) for name in CHAINED_FIELDS))

    def compute_hash(self) -> str:
        return seal_hash(self.canonical())


# What a row's hash covers, in order; verification reads exactly these columns.
CHAINED_FIELDS = (
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
)
_dumps = json.JSONEncoder(separators=(",", ":")).encode


def canonical(
    clinic_id, seq, at, actor_id, action, object_type, object_id, subject_id, fields, address, prev
) -> bytes:
    """The bytes a row's HMAC covers (a plain function: verification hashes tuples)."""
    subject = str(subject_id) if subject_id else None
    payload = [clinic_id, seq, at.isoformat(), actor_id, action, object_type, object_id]
    return _dumps([*payload, subject, sorted(fields), address, prev]).encode()


def seal_hash(canonical_bytes: bytes) -> str:
    return hmac.digest(settings.RAPPORT_AUDIT_KEY.encode(), canonical_bytes, "sha256").hex()


class AuditChain(models.Model):
    """One clinic's chain: where sealing stands and where verification last ended.

    The worker locks this row while it seals (so two workers never extend one
    chain at once) and moves the head; ``verify_audit`` moves the checkpoint
    after a clean pass, and ``--incremental`` starts from it.
    """

    # The clinic's id; 0 for the chain of events without a clinic (failed sign-ins).
    chain = models.PositiveBigIntegerField(unique=True)
    head_seq = models.PositiveBigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, default=GENESIS)
    sealed_at = models.DateTimeField(null=True, blank=True)
    checkpoint_seq = models.PositiveBigIntegerField(default=0)
    checkpoint_hash = models.CharField(max_length=64, default=GENESIS)
    checkpoint_at = models.DateTimeField(null=True, blank=True)
    # The head last exported off the database (rapport.core.audit_checkpoints).
    exported_seq = models.PositiveBigIntegerField(default=0)
    exported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("audit chain")
        verbose_name_plural = _("audit chains")

    def __str__(self) -> str:
        return f"chain {self.chain or '-'}: {self.head_seq} sealed"

    @property
    def clinic_id(self) -> int | None:
        return self.chain or None
