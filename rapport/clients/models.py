"""The client record: who the person is and who treats them."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.core.access import Capability, Reach, granted_clients, reaches
from rapport.core.fields import EncryptedTextField
from rapport.core.models import Clinic, ClinicKeyed, ClinicKeyedQuerySet, Supervision, User


class ClientQuerySet(models.QuerySet):
    def visible_to(
        self,
        user: Any,
        capability: Capability = Capability.VIEW_CLIENTS,
        *,
        break_glass: bool = True,
    ) -> ClientQuerySet:
        """The clients ``user`` may use ``capability`` on: the role table, applied,
        and the user's active break-glass grants unless ``break_glass`` is false."""
        granted = reaches(user, capability)
        if not granted:
            return self.none()
        in_clinic = self.filter(clinic_id=user.clinic_id, archived_at__isnull=True)
        if Reach.SELF in granted:
            return in_clinic.filter(pk=user.portal_client_id)
        if Reach.CLINIC in granted:
            return in_clinic
        scope = Q(pk__in=[])
        if Reach.ASSIGNED in granted:
            scope |= Q(assigned_therapist=user)
        if Reach.SUPERVISED in granted:
            supervisees = Supervision.objects.filter(supervisor=user).values("supervisee_id")
            scope |= Q(assigned_therapist_id__in=supervisees)
        opened = granted_clients(user, capability) if break_glass else frozenset()
        if opened:
            scope |= Q(pk__in=sorted(opened))
        return in_clinic.filter(scope)

    def permits(self, user: Any, capability: Capability, client: Client) -> bool:
        """Whether ``user`` may use ``capability`` on this one client (e.g. to show a button).

        Asked by several panels of one page, so the answer is kept on the request's
        user for the rest of the request (the user object lives for one request).
        """
        if self.query.where:
            return self.visible_to(user, capability).filter(pk=client.pk).exists()
        answers = _answers(user)
        key = (capability, client.pk)
        if key not in answers:
            answers[key] = self.visible_to(user, capability).filter(pk=client.pk).exists()
        return answers[key]

    def permitted(self, user: Any, capability: Capability, client: Client) -> Client:
        """Note that ``client`` was just loaded through ``visible_to(user, capability)``."""
        _answers(user)[(capability, client.pk)] = True
        return client

    def search(self, text: str) -> ClientQuerySet:
        query = Q()
        for word in text.split():
            query &= (
                Q(given_name__icontains=word)
                | Q(family_name__icontains=word)
                | Q(preferred_name__icontains=word)
            )
        return self.filter(query)


def _answers(user: Any) -> dict[tuple[Capability, int], bool]:
    answers = getattr(user, "_client_permits", None)
    if answers is None:
        answers = {}
        user._client_permits = answers
    return answers


class Client(models.Model):
    class ContactChannel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Phone call")
        TEXT = "text", _("Text message")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="clients")
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    preferred_name = models.CharField(_("preferred name"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"))
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    preferred_channel = models.CharField(
        _("preferred contact"),
        max_length=10,
        choices=ContactChannel.choices,
        default=ContactChannel.EMAIL,
    )
    # E-mails to the client, and the questionnaire pages their links open, use it.
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Used for e-mails to the client and the questionnaires they answer."),
    )
    assigned_therapist = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_clients",
        verbose_name=_("assigned therapist"),
    )
    # Therapist-only clinical background (reason for referral, history).
    background = EncryptedTextField(_("clinical background"))
    version = models.PositiveIntegerField(default=1)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["family_name", "given_name"]
        indexes = [models.Index(fields=["clinic", "assigned_therapist"], name="client_caseload")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.preferred_name or self.given_name} {self.family_name}"

    @property
    def audit_subject_id(self) -> uuid.UUID:
        return self.public_id

    def age_on(self, day: date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


BREAK_GLASS_DURATION = timedelta(hours=4)


class BreakGlassQuerySet(ClinicKeyedQuerySet):
    def active(self, now: datetime | None = None) -> BreakGlassQuerySet:
        now = now or timezone.now()
        return self.filter(ended_at__isnull=True, opened_at__lte=now, expires_at__gt=now)


class BreakGlassGrant(ClinicKeyed):
    """A clinician's emergency access to one client beyond their reach (docs/security.md).

    Viewing only, for ``BREAK_GLASS_DURATION``; clinic admins are alerted and review it.
    """

    clinic_from = "client"
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField(_("reason"))
    opened_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pages_viewed = models.PositiveIntegerField(default=0)

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "expires_at"], name="break_glass_holder"),
            models.Index(fields=["clinic", "-opened_at"], name="break_glass_review"),
        ]

    def __str__(self) -> str:
        return f"break-glass {self.public_id}"

    @property
    def audit_subject_id(self) -> uuid.UUID:
        return self.client.public_id

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.ended_at is None and self.opened_at <= now < self.expires_at


# Intake paperwork's models live beside the record they belong to.
from rapport.clients.paperwork_models import DocumentSignature, IntakeDocument  # noqa: E402, F401
