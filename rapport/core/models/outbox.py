"""E-mail waiting to be sent by the worker (see rapport.core.outbox)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.core.fields import EncryptedTextField


class OutboundEmail(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to send")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Gave up")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(
        "core.Clinic", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Addresses and bodies may identify a client: encrypted like clinical text.
    recipient = EncryptedTextField()
    subject = models.CharField(max_length=200)  # never PHI, by rule of the templates
    text_body = EncryptedTextField()
    html_body = EncryptedTextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=200, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)  # exception class, no content
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # Claim of outbox.send_due_emails: pending rows, oldest due first.
            models.Index(
                fields=["due_at", "id"],
                condition=models.Q(status="pending"),
                name="outbox_pending_due",
            )
        ]

    def __str__(self) -> str:
        return str(self.public_id)
