"""Who takes part in an episode besides the client, and what they agreed (variants.md §1.6).

IPT-A first: a parent or guardian with relationship and contact, attendance per
session, consent and assent, what the therapist has agreed to share with them,
and the confidentiality limits explained. Names and contact details are encrypted.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.core.fields import EncryptedCharField, EncryptedTextField
from rapport.core.models import ClinicKeyed, User
from rapport.ipt.models.base import EpisodeScopedQuerySet, LiveManager, PublicModel, SoftRemovable
from rapport.ipt.models.episodes import Episode
from rapport.ipt.models.notes import SessionNote
from rapport.ipt.variants import ParticipantRole


class Participant(ClinicKeyed, SoftRemovable, PublicModel):
    """A parent, caregiver, partner or other person on the episode (§0 roles, §1.6 Guardian)."""

    clinic_from = "episode"
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="participants")
    role = models.CharField(_("role"), max_length=20, choices=ParticipantRole.choices)
    name = EncryptedCharField(_("name"), max_length=200)
    relationship = EncryptedCharField(_("relationship to the client"), max_length=100)
    contact = EncryptedTextField(_("contact details"))
    has_legal_authority = models.BooleanField(
        _("has legal authority to consent to treatment"), default=False
    )
    # §1.4/§1.6 may_receive: what the therapist has agreed this person may be told.
    may_receive_attendance = models.BooleanField(_("attendance"), default=False)
    may_receive_progress = models.BooleanField(_("general progress"), default=False)
    may_receive_scores = models.BooleanField(_("scores the client agrees to share"), default=False)
    may_receive_safety_plan = models.BooleanField(_("the safety plan"), default=False)
    # The portal account through which this person reads what is shared with them
    # (docs/portal.md "guardian"): the portal reads the sharing above, not a copy.
    portal_account = models.ForeignKey(
        "portal.PortalAccount",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participants",
        verbose_name=_("portal account"),
    )
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LiveManager.from_queryset(EpisodeScopedQuerySet)()
    with_removed = EpisodeScopedQuerySet.as_manager()

    SHARING = (
        "may_receive_attendance",
        "may_receive_progress",
        "may_receive_scores",
        "may_receive_safety_plan",
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"participant {self.public_id}"

    def shared(self) -> list[Any]:
        """The labels of what this person may be told."""
        return [
            self._meta.get_field(name).verbose_name for name in self.SHARING if getattr(self, name)
        ]


class ParticipantAttendanceQuerySet(EpisodeScopedQuerySet):
    episode_path = "note__episode__client"


class ParticipantAttendance(ClinicKeyed):
    """Whether a participant attended one session, and which segments (§0)."""

    clinic_from = "note"
    note = models.ForeignKey(
        SessionNote, on_delete=models.CASCADE, related_name="participant_attendance"
    )
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    present = models.BooleanField(_("present"), default=False)
    joint = models.BooleanField(_("joined the joint part"), default=False)
    seen_alone = models.BooleanField(_("seen alone"), default=False)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    objects = ParticipantAttendanceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["note", "participant"], name="one_attendance_per_participant"
            )
        ]

    def __str__(self) -> str:
        return f"attendance {self.pk}"


class ConsentRecord(ClinicKeyed, PublicModel):
    """Consent, assent or a release of information (§1.3, §1.6); withdrawal is dated."""

    class Kind(models.TextChoices):
        CONSENT = "consent", _("Consent to treatment")
        ASSENT = "assent", _("Assent of the young person")
        RELEASE = "release_of_information", _("Release of information")

    clinic_from = "episode"
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # Empty: the client themself (assent); otherwise the participant who signed.
    signer = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("given by"),
    )
    given_on = models.DateField(_("date"))
    document_version = models.CharField(_("document version"), max_length=50, blank=True)
    scope = EncryptedTextField(_("scope"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EpisodeScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-given_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.public_id}"


class ConfidentialityAgreement(ClinicKeyed, PublicModel):
    """The confidentiality limits explained to the young person and the parents (§1.4).

    Each explanation is its own row (the latest is current), so a re-explanation
    after a change of guardian keeps the earlier one.
    """

    clinic_from = "episode"
    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, related_name="confidentiality_agreements"
    )
    explained_on = models.DateField(_("explained on"))
    explained_to_client = models.BooleanField(_("explained to the young person"), default=False)
    explained_to_guardians = models.BooleanField(_("explained to the parents"), default=False)
    # §1.4 default exceptions: when confidentiality is broken.
    breaks_for_self_harm = models.BooleanField(_("risk of serious harm to self"), default=True)
    breaks_for_harm_to_others = models.BooleanField(
        _("risk of serious harm to others"), default=True
    )
    breaks_for_abuse = models.BooleanField(_("abuse or neglect"), default=True)
    breaks_for_law = models.BooleanField(_("as required by law"), default=True)
    # §1.4: what parents may be told by default.
    shares_attendance = models.BooleanField(_("attendance"), default=True)
    shares_progress = models.BooleanField(_("general progress"), default=True)
    shares_scores = models.BooleanField(_("scores the young person agrees to share"), default=True)
    shares_safety_plan = models.BooleanField(_("the safety plan"), default=True)
    note = EncryptedTextField(_("note"))
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EpisodeScopedQuerySet.as_manager()

    EXCEPTIONS = (
        "breaks_for_self_harm",
        "breaks_for_harm_to_others",
        "breaks_for_abuse",
        "breaks_for_law",
    )
    SHARED = ("shares_attendance", "shares_progress", "shares_scores", "shares_safety_plan")

    class Meta:
        ordering = ["-explained_on", "-pk"]

    def __str__(self) -> str:
        return f"confidentiality {self.public_id}"

    def labels(self, names: tuple[str, ...]) -> list[Any]:
        return [self._meta.get_field(name).verbose_name for name in names if getattr(self, name)]

    def exception_labels(self) -> list[Any]:
        return self.labels(self.EXCEPTIONS)

    def shared_labels(self) -> list[Any]:
        return self.labels(self.SHARED)
