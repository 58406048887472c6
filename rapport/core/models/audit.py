"""The append-only audit log, sealed by a keyed hash chain per clinic."""

from __future__ import annotations

import hashlib
import hmac
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit log is append-only.")

    def delete(self):
        raise TypeError("The audit log is append-only.")


class AuditEvent(models.Model):
    """Who did what to which object, when and from where — never clinical content.

    Rows form one chain per clinic (``seq`` 1, 2, …); each row's ``hash`` is an
    HMAC over its own fields and the previous row's hash, so editing, deleting
    or reordering a row breaks the chain (``manage.py verify_audit``).
    """

    clinic = models.ForeignKey(
        "core.Clinic", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    seq = models.PositiveBigIntegerField()
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
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        constraints = [
            models.UniqueConstraint(fields=["clinic", "seq"], name="unique_audit_seq_per_clinic"),
        ]
        indexes = [models.Index(fields=["clinic", "-seq"], name="audit_chain_head")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise TypeError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit log is append-only.")

    def canonical(self) -> bytes:
        payload = [
            self.clinic_id,
            self.seq,
            self.at.isoformat(),
            self.actor_id,
            self.action,
            self.object_type,
            self.object_id,
            str(self.subject_id) if self.subject_id else None,
            sorted(self.fields),
            self.address,
            self.prev_hash,
        ]
        return json.dumps(payload, separators=(",", ":")).encode()

    def compute_hash(self) -> str:
        key = settings.RAPPORT_AUDIT_KEY.encode()
        return hmac.new(key, self.canonical(), hashlib.sha256).hexdigest()
