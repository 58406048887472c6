"""Secure messages between a client and their care team (issue 11 item 8), and the
clinic's portal settings that switch them on (off by default)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Client
from rapport.core.fields import EncryptedTextField
from rapport.core.models import Clinic, ClinicKeyed, User
from rapport.measures.models import ClientScopedQuerySet


class PortalSettings(models.Model):
    """A clinic's portal options; a clinic without a row has the defaults."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="portal_settings")
    messages_enabled = models.BooleanField(
        _("clients may send secure messages to their therapist"), default=False
    )

    def __str__(self) -> str:
        return f"portal settings {self.clinic_id}"

    @classmethod
    def of(cls, clinic: Clinic) -> PortalSettings:
        return cls.objects.filter(clinic=clinic).first() or cls(clinic=clinic)


class MessageQuerySet(ClientScopedQuerySet):
    def unread_from_client(self) -> MessageQuerySet:
        return self.filter(sender=Message.Sender.CLIENT, read_at__isnull=True)

    def unread_from_care_team(self) -> MessageQuerySet:
        return self.filter(sender=Message.Sender.CARE_TEAM, read_at__isnull=True)


class Message(ClinicKeyed):
    """One message of a client's thread with their care team. Never edited or deleted."""

    class Sender(models.TextChoices):
        CLIENT = "client", _("Client")
        CARE_TEAM = "care_team", _("Care team")

    clinic_from = "client"
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    sender = models.CharField(max_length=10, choices=Sender.choices)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    body = EncryptedTextField(_("message"))
    created_at = models.DateTimeField()
    # When the other side first opened the thread with this message in it.
    read_at = models.DateTimeField(null=True, blank=True)
    # Whether a client's message matched the clinic's risk phrases (a safety alert was raised).
    alerted = models.BooleanField(default=False)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["client", "created_at"], name="message_thread"),
            models.Index(
                fields=["client", "sender"],
                condition=models.Q(read_at__isnull=True),
                name="message_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"message {self.public_id}"

    @property
    def audit_subject_id(self) -> uuid.UUID:
        return self.client.public_id

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and kwargs.get("update_fields") != ["read_at"]:
            raise TypeError("Messages are never changed once sent.")
        super().save(*args, **kwargs)
