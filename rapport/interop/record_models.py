"""A client's request for a copy of their record, asked in the portal, released by staff.

HIPAA's right of access and GDPR article 15 give 30 days: the request carries its
due date from the day it is made, and staff see when it is overdue. Staff approve
(the record is built then and kept, encrypted, for the client to download) or
decline with a reason the client reads.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Client
from rapport.core.fields import EncryptedTextField
from rapport.core.models import ClinicKeyed, User

DUE_WITHIN = timedelta(days=30)
# How long a released record stays downloadable in the portal.
AVAILABLE_FOR = timedelta(days=30)


class RecordRequest(ClinicKeyed):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for review")
        RELEASED = "released", _("Ready to download")
        DECLINED = "declined", _("Declined")

    clinic_from = "client"
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True)
    decline_reason = EncryptedTextField(_("reason"))
    # The released zip, base64, encrypted at rest like every clinical text.
    archive = EncryptedTextField()
    available_until = models.DateTimeField(null=True)
    downloaded_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [
            # Staff's pending list and the navigation badge read only open requests.
            models.Index(
                fields=["client", "due_on"],
                condition=Q(status="requested"),
                name="record_request_open",
            ),
        ]

    def __str__(self) -> str:
        return f"record request {self.public_id}"

    @property
    def audit_subject_id(self) -> uuid.UUID:
        """Filed under its client in the audit log."""
        return self.client.public_id

    @staticmethod
    def due_date(requested_on: date) -> date:
        return requested_on + DUE_WITHIN

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.REQUESTED and timezone.localdate() > self.due_on

    @property
    def is_available(self) -> bool:
        return (
            self.status == self.Status.RELEASED
            and bool(self.available_until)
            and self.available_until > timezone.now()
        )
