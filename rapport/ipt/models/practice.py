"""Between-session practice (issue 11 item 5): assigned from a session note, done in the portal.

The therapist assigns a kind of practice from a note; the client writes entries in
the portal until the practice is replaced by a new assignment of the same kind or
stopped. Entries are the client's own words: encrypted, never changed afterwards.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rapport.core.fields import EncryptedJSONField, EncryptedTextField
from rapport.core.models import ClinicKeyed, User
from rapport.ipt.models.base import EpisodeScopedQuerySet, PublicModel
from rapport.ipt.models.episodes import Episode
from rapport.ipt.models.notes import SessionNote


class PracticeKind(models.TextChoices):
    # §1.5 "between-session plan"; communication analysis and role play: ipt-protocol.md
    # techniques table (communication analysis, role play).
    MOOD = "mood", _("Daily mood rating")
    COMMUNICATION = "communication", _("Communication-analysis worksheet")
    ROLE_PLAY = "role_play", _("Role-play preparation")


class PracticeAssignmentQuerySet(EpisodeScopedQuerySet):
    def current(self) -> PracticeAssignmentQuerySet:
        return self.filter(ended_at__isnull=True)


class PracticeAssignment(ClinicKeyed, PublicModel):
    """One kind of practice, assigned in a session note, current until replaced or stopped."""

    clinic_from = "episode"
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="practice")
    note = models.ForeignKey(SessionNote, on_delete=models.PROTECT, related_name="practice")
    kind = models.CharField(_("practice"), max_length=20, choices=PracticeKind.choices)
    instruction = EncryptedTextField(_("instruction for the client"))
    assigned_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = PracticeAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["episode", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "kind"],
                condition=Q(ended_at__isnull=True),
                name="one_current_practice_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} practice {self.public_id}"


class PracticeEntryQuerySet(EpisodeScopedQuerySet):
    def between(self, start: Any, end: Any | None) -> PracticeEntryQuerySet:
        window = self.filter(created_at__gte=start)
        return window if end is None else window.filter(created_at__lt=end)


class PracticeEntry(ClinicKeyed, PublicModel):
    """One entry the client wrote: a mood rating, a worksheet or a role-play plan."""

    clinic_from = "episode"
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="+")
    assignment = models.ForeignKey(
        PracticeAssignment, on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(max_length=20, choices=PracticeKind.choices)
    # Mood entries: 0 (worst) to 10 (best); the number is not clinical free text.
    mood = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    # The client's words, field by field (practice.WORKSHEETS names them).
    answers = EncryptedJSONField(default=dict)
    created_at = models.DateTimeField()
    # Whether it raised a safety alert (the client was shown crisis resources).
    alerted = models.BooleanField(default=False)

    objects = PracticeEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["episode", "created_at"], name="practice_entry_window")]

    def __str__(self) -> str:
        return f"{self.kind} entry {self.public_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("Practice entries are the client's words: never changed.")
        super().save(*args, **kwargs)
