"""Tenants (clinics) and the people who work in them."""

from __future__ import annotations

import uuid
import zoneinfo
from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not an IANA time zone."), params={"value": value})


def default_crisis_resources() -> list[dict[str, str]]:
    # US defaults (DESIGN.md, safety.md); each clinic replaces them with its own.
    return [
        {"label": str(_("Suicide & Crisis Lifeline: call or text")), "contact": "988"},
        {"label": str(_("In immediate danger: call")), "contact": "911"},
    ]


class Clinic(models.Model):
    """One practice: the tenant every clinical row belongs to."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=settings.RAPPORT_DEFAULT_CLINIC_TIME_ZONE,
        validators=[validate_time_zone],
    )
    crisis_resources = models.JSONField(_("crisis resources"), default=default_crisis_resources)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("clinic")
        verbose_name_plural = _("clinics")

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Role(models.TextChoices):
    """Staff roles; what each may do is the table in rapport.core.access."""

    CLINIC_ADMIN = "clinic_admin", _("Clinic admin")
    INTAKE_COORDINATOR = "intake_coordinator", _("Intake coordinator")
    THERAPIST = "therapist", _("Therapist")
    SUPERVISOR = "supervisor", _("Supervisor")


class PortalRole(models.TextChoices):
    """Who signs in to the client portal; what each may see is in rapport.core.access."""

    CLIENT = "client", _("Client")
    GUARDIAN = "guardian", _("Parent or guardian")


class User(AbstractUser):
    """A person who signs in. Staff belong to one clinic and hold roles in it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_time_zone]
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.pk or not self.clinic_id or not self.is_active:
            return frozenset()
        return frozenset(self.staff_roles.values_list("role", flat=True))

    @property
    def is_staff_member(self) -> bool:
        return bool(self.roles)

    @property
    def initials(self) -> str:
        parts = [self.first_name[:1], self.last_name[:1]]
        return "".join(parts).upper() or self.username[:2].upper()

    def has_role(self, role: str) -> bool:
        return role in self.roles


class StaffRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(max_length=32, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_staff_role")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()}"


class Supervision(models.Model):
    """A supervisor oversees a therapist's cases (and co-signs a trainee's notes)."""

    supervisor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="supervisees_links")
    supervisee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="supervisor_links")
    # A trainee's signed notes wait for this supervisor's co-signature.
    cosigns_notes = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["supervisor", "supervisee"], name="unique_supervision"),
            models.CheckConstraint(
                condition=~models.Q(supervisor=models.F("supervisee")), name="no_self_supervision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supervisor} → {self.supervisee}"
