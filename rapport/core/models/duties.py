"""Separation of duties: what one admin asks and another must approve, and pending
second-factor resets that only the staff member can complete."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleGrantRequest(models.Model):
    """Roles and supervision for an account that would join clinic admin with clinical
    reach. Applied only when an admin who is neither the requester nor the member
    approves it (rapport.core.duties)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        SUPERSEDED = "superseded", _("Replaced by a newer request")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("core.Clinic", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(
        "core.User", on_delete=models.CASCADE, related_name="role_grant_requests"
    )
    requested_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The member's roles when asked: approval is refused if they changed meanwhile.
    roles_before = models.JSONField(default=list)
    roles = models.JSONField(default=list)  # the whole role set asked for
    supervisee_ids = models.JSONField(default=list)  # user pks, the whole set asked for
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "member"],  # a member is in one clinic; sharding needs it
                condition=models.Q(status="pending"),
                name="one_pending_role_grant_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"role grant for {self.member_id} ({self.status})"


class SecondFactorReset(models.Model):
    """An admin's reset of a staff member's second factor, waiting for that member
    to enrol a new authenticator from the e-mailed link. Until then the old device
    keeps working: an admin alone cannot take the account over."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey(
        "core.User", on_delete=models.CASCADE, related_name="second_factor_resets"
    )
    requested_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # A newer reset (or completion) retires the older links.
    retired_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"second-factor reset for {self.member_id}"

    @property
    def is_open(self) -> bool:
        return self.completed_at is None and self.retired_at is None
