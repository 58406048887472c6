"""Who may sign in to the client portal, and for which client."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Client
from rapport.core.models import ClinicKeyed, ClinicKeyedQuerySet, PortalRole, User


class PortalAccountQuerySet(ClinicKeyedQuerySet):
    def active(self) -> PortalAccountQuerySet:
        return self.filter(revoked_at__isnull=True, user__is_active=True)

    def may_sign_in(self) -> PortalAccountQuerySet:
        """Live accounts of current clients that may sign in: a guardian only once
        consent is on record."""
        consented = Q(role=PortalRole.CLIENT) | Q(consent_recorded_at__isnull=False)
        return self.active().filter(consented, client__archived_at__isnull=True)


class PortalAccount(ClinicKeyed):
    """A portal sign-in for one client: the client themselves or a parent or guardian.

    Each account has its own ``User`` row (no password, no staff role), so that
    e-mailed sign-in links (django-sesame) and sessions work as for anyone else;
    the portal's middleware then marks the session's user with the account's role.
    """

    clinic_from = "client"
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="portal_account")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="portal_accounts")
    role = models.CharField(_("role"), max_length=16, choices=PortalRole.choices)
    email = models.EmailField(_("e-mail"))
    # A guardian's own name and relationship to the client ("mother", "legal guardian").
    name = models.CharField(_("name"), max_length=200, blank=True)
    relationship = models.CharField(_("relationship"), max_length=100, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(auto_now_add=True)
    # A guardian's view needs consent on record (the adolescent's assent and the
    # guardian's consent, as the clinic's policy and the therapist's note say).
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_signed_in_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = PortalAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("portal account")
        verbose_name_plural = _("portal accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(role=PortalRole.CLIENT, revoked_at__isnull=True),
                name="one_live_client_portal_account",
            ),
        ]
        indexes = [models.Index(fields=["email"], name="portal_account_email")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} account {self.public_id}"

    @property
    def audit_subject_id(self) -> uuid.UUID:
        return self.client.public_id

    @property
    def is_guardian(self) -> bool:
        return self.role == PortalRole.GUARDIAN

    @property
    def may_sign_in(self) -> bool:
        return self.revoked_at is None and (not self.is_guardian or bool(self.consent_recorded_at))


# Secure messages and the clinic's portal settings live in their own module.
from rapport.portal.models_messages import Message, PortalSettings  # noqa: E402

__all__ = ["Message", "PortalAccount", "PortalAccountQuerySet", "PortalSettings"]
