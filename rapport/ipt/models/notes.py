"""Session notes: phase-aware, autosaved, versioned, signed, co-signed (§1.5)."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Count, Max, Q
from django.utils.translation import gettext_lazy as _

from rapport.core.fields import EncryptedJSONField, EncryptedTextField
from rapport.core.models import ClinicKeyed, ClinicKeyedQuerySet, User
from rapport.ipt.catalogue import DisputeStage, Phase, Technique
from rapport.ipt.models.base import EpisodeScopedQuerySet, PublicModel
from rapport.ipt.models.episodes import Episode, SessionAttendance
from rapport.ipt.variants import SessionFormat

# What a list of notes prints; everything else (all the encrypted text) stays in the database.
LISTED = ("public_id", "episode_id", "number", "held_on", "phase", "attendance", "status")


class SessionNoteQuerySet(EpisodeScopedQuerySet):
    def listed(self) -> SessionNoteQuerySet:
        """Newest first, only the columns a list shows: no note text is decrypted."""
        return self.only(*LISTED).order_by("-number")

    def course_counts(self) -> dict[str, int | None]:
        """One aggregate, whatever the number of sessions: the last session number,
        sessions held, how many are self-rated and how, and each technique's sessions.

        A note's techniques are a JSON list of codes, so its text holds each code in
        quotes: matching ``"code"`` counts the notes that list it, on both databases.
        """
        held = Q(attendance=SessionAttendance.ATTENDED)
        rated = held & Q(fidelity__isnull=False)
        counts = {
            "last": Max("number"),
            "held": Count("pk", filter=held),
            "rated": Count("pk", filter=rated),
        }
        for extent in FidelityRating.Extent:
            value = extent.value
            counts[f"in_phase_{value}"] = Count("pk", filter=rated & Q(fidelity__in_phase=value))
            counts[f"on_focus_{value}"] = Count("pk", filter=rated & Q(fidelity__on_focus=value))
        for technique in Technique:
            listed = Q(techniques__icontains=f'"{technique.value}"')
            counts[f"technique_{technique.value}"] = Count("pk", filter=held & listed)
        return self.order_by().aggregate(**counts)


class SessionNote(ClinicKeyed, PublicModel):
    """The clinical note of one session. A signed note never changes: addenda follow."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AWAITING_COSIGN = "awaiting_cosign", _("Awaiting co-signature")
        SIGNED = "signed", _("Signed")

    class Suicidality(models.TextChoices):
        NOT_ASKED = "", _("Not yet asked")
        NONE = "none", _("No thoughts of self-harm")
        PASSIVE = "passive", _("Passive thoughts (wishing to be dead)")
        ACTIVE = "active", _("Active thoughts of suicide")

    clinic_from = "episode"
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(_("session number"))
    held_on = models.DateField(_("date"))
    attendance = models.CharField(
        _("attendance"),
        max_length=20,
        choices=SessionAttendance.choices,
        default=SessionAttendance.ATTENDED,
    )
    phase = models.CharField(max_length=20, choices=Phase.choices)
    # §1.5 opening: measures before the session, mood and symptoms, suicidality, interval events.
    mood_rating = models.PositiveSmallIntegerField(
        _("mood today (0 = worst, 10 = best)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(10)],
    )
    symptom_review = EncryptedTextField(_("mood and symptom review"))
    suicidality = models.CharField(
        _("suicidality check"), max_length=10, choices=Suicidality.choices, blank=True
    )
    suicidality_detail = EncryptedTextField(_("risk detail and actions"))
    interval_events = EncryptedTextField(_("interval events linked to mood"))
    problem_area_work = EncryptedTextField(_("problem-area work"))
    techniques = models.JSONField(_("techniques used"), default=list, blank=True)
    dispute_stage = models.CharField(
        _("dispute stage"), max_length=20, choices=DisputeStage.choices, blank=True
    )
    between_session_plan = EncryptedTextField(_("between-session plan"))
    # variants.md §2.4: whom the session was held with (manuals with session formats), and
    # the manual's own note sections, {section code: text or choice} (variants.NoteSection).
    session_format = models.CharField(
        _("session format"), max_length=20, choices=SessionFormat.choices, blank=True
    )
    sections = EncryptedJSONField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    saved_at = models.DateTimeField(auto_now=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    cosigned_at = models.DateTimeField(null=True, blank=True)
    cosigned_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    # What the note showed when it was signed (scores, bands, outcome flags, not-on-track
    # reasons), as JSON: a signed note renders from this forever after.
    signed_snapshot = EncryptedTextField()
    # Why open safety alerts were deliberately left open when the note was signed.
    open_alerts_reason = EncryptedTextField(_("why the open safety alert stays open"))

    objects = SessionNoteQuerySet.as_manager()

    class Meta:
        ordering = ["episode", "number"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "number"], name="one_note_per_session"),
        ]

    def __str__(self) -> str:
        return f"session {self.number}"

    @property
    def is_locked(self) -> bool:
        return self.status != self.Status.DRAFT


class AddendumQuerySet(EpisodeScopedQuerySet):
    episode_path = "note__episode__client"


class Addendum(ClinicKeyed, PublicModel):
    """A dated change to a signed note, by a named author, with a reason."""

    clinic_from = "note"
    note = models.ForeignKey(SessionNote, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField(_("reason"))
    text = EncryptedTextField(_("addendum"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AddendumQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"addendum {self.public_id}"

    @property
    def episode(self) -> Episode:
        return self.note.episode


class CosignReview(ClinicKeyed):
    """A supervisor's decision on a trainee's note."""

    class Decision(models.TextChoices):
        COSIGNED = "cosigned", _("Co-signed")
        RETURNED = "returned", _("Returned with comments")

    clinic_from = "note"
    note = models.ForeignKey(SessionNote, on_delete=models.CASCADE, related_name="reviews")
    supervisor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    # The row identity its ciphertext is bound to (core.fields).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    comment = EncryptedTextField(_("comments"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.decision


class ProcessNote(ClinicKeyed):
    """Psychotherapy notes (HIPAA 45 CFR 164.501): readable only by their author.

    Never shown in the chart, exports, supervisors' views or break-glass access;
    the only way to read one is ``ProcessNote.objects.authored_by(user)``.
    """

    clinic_from = "note"
    note = models.OneToOneField(SessionNote, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # The row identity its ciphertext is bound to (core.fields).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    text = EncryptedTextField(_("process note"))
    version = models.PositiveIntegerField(default=1)
    saved_at = models.DateTimeField(auto_now=True)

    class QuerySet(ClinicKeyedQuerySet):
        def authored_by(self, user: Any) -> Any:
            if not getattr(user, "is_authenticated", False):
                return self.none()
            return self.filter(author=user)

    objects = QuerySet.as_manager()

    def __str__(self) -> str:
        return "process note"


class FidelityRating(ClinicKeyed):
    """The therapist's short self-rating of protocol adherence for one session (issue: fidelity)."""

    class Extent(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    clinic_from = "note"
    note = models.OneToOneField(SessionNote, on_delete=models.CASCADE, related_name="fidelity")
    in_phase = models.CharField(
        _("the session did the work of its phase"), max_length=10, choices=Extent.choices
    )
    on_focus = models.CharField(
        _("the focus stayed on the agreed problem area"), max_length=10, choices=Extent.choices
    )
    # The row identity its ciphertext is bound to (core.fields).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    comment = EncryptedTextField(_("comment"))

    def __str__(self) -> str:
        return f"fidelity {self.in_phase}/{self.on_focus}"
