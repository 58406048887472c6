"""Family work around an episode: ad-hoc contacts with a parent, and who answered a
parent-report questionnaire (variants.md §1.2, §1.6, §2.3)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.core.fields import EncryptedTextField
from rapport.core.models import ClinicKeyed, User
from rapport.ipt.models.base import EpisodeScopedQuerySet, PublicModel
from rapport.ipt.models.episodes import Episode
from rapport.ipt.models.participants import Participant


class CaregiverContact(ClinicKeyed, PublicModel):
    """One ad-hoc contact with a parent or caregiver (§1.2 "logged", §1.6 CaregiverContact).

    Never shown to the guardian (§1.6); the summary is encrypted.
    """

    class Mode(models.TextChoices):
        PHONE = "phone", _("Telephone")
        IN_PERSON = "in_person", _("In person")
        VIDEO = "video", _("Video call")
        MESSAGE = "message", _("Message or e-mail")
        LETTER = "letter", _("Letter")

    class InitiatedBy(models.TextChoices):
        THERAPIST = "therapist", _("The therapist")
        PARENT = "parent", _("The parent or caregiver")
        CLIENT = "client", _("The young person")
        OTHER = "other", _("Someone else (school, another service)")

    class Category(models.TextChoices):
        SCHEDULING = "scheduling", _("Scheduling")
        ATTENDANCE = "attendance", _("Attendance")
        PROGRESS = "progress", _("Progress")
        SAFETY = "safety", _("Safety")
        OTHER = "other", _("Other")

    class Informed(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")

    clinic_from = "episode"
    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, related_name="caregiver_contacts"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="+", verbose_name=_("with")
    )
    contact_on = models.DateField(_("date"))
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices)
    initiated_by = models.CharField(_("initiated by"), max_length=20, choices=InitiatedBy.choices)
    category = models.CharField(_("about"), max_length=20, choices=Category.choices)
    client_informed = models.CharField(
        _("the young person was told of the contact"), max_length=5, choices=Informed.choices
    )
    not_informed_reason = EncryptedTextField(_("why not"))
    summary = EncryptedTextField(_("summary"))
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EpisodeScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-contact_on", "-pk"]
        indexes = [models.Index(fields=["episode", "-contact_on", "-id"], name="contact_log_order")]

    def __str__(self) -> str:
        return f"caregiver contact {self.public_id}"


class ResponseRespondent(ClinicKeyed):
    """Who answered a parent-report questionnaire about the client (§2.3 SMFQ-P).

    The measures engine's response has no respondent of its own: the participant who
    answered is recorded here, one row per response.
    """

    clinic_from = "participant"
    response = models.OneToOneField(
        "measures.Response", on_delete=models.PROTECT, related_name="respondent"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="responses_given"
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"respondent {self.pk}"
