"""The front door: public pages, consultation requests, contact attempts, waitlist."""

from __future__ import annotations

import operator
import uuid
from functools import reduce
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Client
from rapport.core.access import Capability, reaches
from rapport.core.fields import EncryptedCharField, EncryptedTextField
from rapport.core.models import Clinic, ClinicKeyed, User


class PublicPage(models.Model):
    """A page of the public site; the clinic writes its own copy (neutral defaults shipped)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="public_pages")
    slug = models.SlugField(max_length=40)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["clinic", "slug"], name="one_page_per_slug")]

    def __str__(self) -> str:
        return self.title


class RequestStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    CONSULTATION_BOOKED = "booked", _("Consultation booked")
    WAITLISTED = "waitlisted", _("Waitlisted")
    ACCEPTED = "accepted", _("Accepted")
    REFERRED = "referred", _("Referred elsewhere")
    DECLINED = "declined", _("Declined")


# Requests still in the intake queue. The queue filters on ``IS_OPEN``, the very condition
# of its partial index: ORed equalities, because SQLite matches a partial index on those
# but not on ``IN`` with parameters (PostgreSQL matches either).
OPEN_STATUSES = (
    RequestStatus.NEW,
    RequestStatus.CONTACTED,
    RequestStatus.CONSULTATION_BOOKED,
    RequestStatus.WAITLISTED,
)
IS_OPEN = reduce(operator.or_, (models.Q(status=status) for status in OPEN_STATUSES))


class RequestQuerySet(models.QuerySet):
    def open(self) -> RequestQuerySet:
        return self.filter(IS_OPEN)

    def visible_to(self, user: Any) -> RequestQuerySet:
        """Requests are demographic/contact data: the clinic's intake coordinators and admins."""
        if not reaches(user, Capability.ADD_CLIENT):
            return self.none()
        return self.filter(clinic_id=user.clinic_id)


class ConsultationRequest(models.Model):
    Status = RequestStatus

    class AgeGroup(models.TextChoices):
        ADOLESCENT = "adolescent", _("12 to 17")
        ADULT = "adult", _("18 to 64")
        OLDER = "older", _("65 or over")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Phone call")
        TEXT = "text", _("Text message")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="consultation_requests"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    preferred_channel = models.CharField(
        _("how should we contact you?"), max_length=10, choices=Channel.choices
    )
    age_group = models.CharField(_("age"), max_length=12, choices=AgeGroup.choices)
    concern = EncryptedTextField(_("what is going on"))
    preferred_times = EncryptedCharField(_("preferred days and times"), max_length=300)
    consent_to_contact = models.BooleanField(_("consent to be contacted"), default=False)
    # The optional PHQ-9 self-screen is a measures Response whose subject_id is this
    # request's public_id (services.self_screen); a positive item 9 raised its alert.
    urgent = models.BooleanField(default=False)  # positive item 9: same-day contact
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    notes = EncryptedTextField(_("intake notes"))
    client = models.OneToOneField(
        Client,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultation_request",
    )
    held_slot_id = models.UUIDField(null=True, blank=True)  # a picked slot awaiting confirmation
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["-urgent", "created_at"]
        indexes = [
            # The intake queue (views.queue.queue): open requests, urgent first, then oldest.
            models.Index(
                fields=["clinic", "-urgent", "created_at", "id"],
                condition=IS_OPEN,
                name="request_open_queue",
            ),
        ]

    def __str__(self) -> str:
        return f"request {self.public_id}"


class ContactAttempt(ClinicKeyed):
    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached")
        MESSAGE = "message", _("Left a message")
        NO_ANSWER = "no_answer", _("No answer")
        WRONG_NUMBER = "wrong", _("Wrong number or address")

    clinic_from = "request"
    request = models.ForeignKey(
        ConsultationRequest, on_delete=models.CASCADE, related_name="attempts"
    )
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    channel = models.CharField(max_length=10, choices=ConsultationRequest.Channel.choices)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    # The row identity its ciphertext is bound to (core.fields).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    note = EncryptedTextField(_("note"))

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"contact attempt {self.pk}"


class WaitlistEntry(ClinicKeyed):
    """A person waiting for a therapist's slot; position is the order of ``added_at``."""

    clinic_from = "request"
    request = models.OneToOneField(
        ConsultationRequest, on_delete=models.CASCADE, related_name="waitlist"
    )
    preferred_therapist = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(db_index=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    # Typed freely when taking someone off the list: encrypted like clinical text.
    removed_reason = EncryptedCharField(max_length=120)
    # The row identity its ciphertext is bound to (core.fields).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return f"waitlist {self.pk}"


class SiteFigure(models.Model):
    """One public page's visits on one day, counted on the server (docs/site-figures.md).

    No cookie, no address and no visitor key is kept: only these three counts, so
    a practice sees its funnel (page → form started → request sent) without tracking.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    page = models.CharField(max_length=80)  # "home", "about/<slug>", "consultation"
    views = models.PositiveIntegerField(default=0)
    starts = models.PositiveIntegerField(default=0)  # the form's first keystroke (script on)
    completions = models.PositiveIntegerField(default=0)  # requests stored

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "day", "page"], name="one_figure_per_page_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.page} on {self.day}"
