"""IPSRT's diaries (variants.md §4.7): the Social Rhythm Metric, daily mood, life events.

``RhythmTarget`` is set in session and versioned (a change ends the current row and
starts a new one). ``RhythmWeek`` holds one week's diary (``RhythmEntry`` per day and
activity) and its scores, computed on save (scoring.py). ``DailyMood`` is one day's
mood, sleep and medication; ``LifeEvent`` a dated event drawn on the same timeline.
Free text (the client's own activity names, mood notes, events) is encrypted.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rapport.core.fields import EncryptedTextField
from rapport.core.models import ClinicKeyed, User
from rapport.ipt.models import Episode
from rapport.ipt.models.base import EpisodeScopedQuerySet, PublicModel
from rapport.rhythms.activities import (
    MOOD_HIGHEST,
    MOOD_LOWEST,
    Activity,
    Engagement,
    Medication,
)
from rapport.rhythms.scoring import DAY_MINUTES, HIT_WINDOW


class Source(models.TextChoices):
    PORTAL = "portal", _("The client, in the portal")
    SESSION = "session", _("The therapist, in session")


class RhythmTargetQuerySet(EpisodeScopedQuerySet):
    def current(self) -> RhythmTargetQuerySet:
        return self.filter(ended_at__isnull=True)


class RhythmTarget(ClinicKeyed, PublicModel):
    """§4.7: an activity's target time and window, set in session; a change is a new row."""

    clinic_from = "episode"
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="+")
    activity = models.CharField(max_length=20, choices=Activity.choices)
    # The client's own name for one of the two activities they choose (SRM-17).
    own_label = EncryptedTextField(_("the client's name for this activity"))
    target_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(DAY_MINUTES - 1)]
    )
    window_minutes = models.PositiveSmallIntegerField(default=HIT_WINDOW)
    set_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = RhythmTargetQuerySet.as_manager()

    class Meta:
        ordering = ["episode", "activity", "-set_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "activity"],
                condition=Q(ended_at__isnull=True),
                name="one_current_rhythm_target",
            )
        ]

    def __str__(self) -> str:
        return f"rhythm target {self.public_id}"


class RhythmWeek(ClinicKeyed, PublicModel):
    """One week (Monday first) of the diary, with its scores as last computed."""

    clinic_from = "episode"
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField()
    score = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    activity_level = models.PositiveSmallIntegerField(default=0)
    included = models.PositiveSmallIntegerField(default=0)
    hits = models.PositiveSmallIntegerField(default=0)
    # Optimistic version: a save from a form read at an older version is refused.
    version = models.PositiveIntegerField(default=1)
    source = models.CharField(max_length=10, choices=Source.choices)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    objects = EpisodeScopedQuerySet.as_manager()

    class Meta:
        ordering = ["episode", "week_start"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "week_start"], name="one_rhythm_week")
        ]

    def __str__(self) -> str:
        return f"rhythm week {self.public_id}"


class RhythmEntryQuerySet(EpisodeScopedQuerySet):
    episode_path = "week__episode__client"


class RhythmEntry(ClinicKeyed):
    """§4.7 RhythmDiaryEntry: one activity on one day; no time = not done."""

    clinic_from = "week"
    week = models.ForeignKey(RhythmWeek, on_delete=models.CASCADE, related_name="entries")
    day = models.DateField()
    activity = models.CharField(max_length=20, choices=Activity.choices)
    minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(DAY_MINUTES - 1)]
    )
    engagement = models.PositiveSmallIntegerField(null=True, blank=True, choices=Engagement.choices)
    # Person codes (activities.Person): categories, never names.
    people = models.JSONField(default=list, blank=True)

    objects = RhythmEntryQuerySet.as_manager()

    class Meta:
        ordering = ["week", "day", "activity"]
        constraints = [
            models.UniqueConstraint(fields=["week", "day", "activity"], name="one_rhythm_entry")
        ]

    def __str__(self) -> str:
        return f"{self.activity} on {self.day}"


class DailyMood(ClinicKeyed, PublicModel):
    """§4.4/§4.7 DailyMoodEntry: mood -5..+5, hours slept, medication taken, a note."""

    clinic_from = "episode"
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    mood = models.SmallIntegerField(
        validators=[MinValueValidator(MOOD_LOWEST), MaxValueValidator(MOOD_HIGHEST)]
    )
    sleep_hours = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(24)],
    )
    medication = models.CharField(max_length=10, choices=Medication.choices, blank=True)
    note = EncryptedTextField(_("note"))
    source = models.CharField(max_length=10, choices=Source.choices)
    updated_at = models.DateTimeField()
    # Whether it raised a safety alert (the client was shown crisis resources).
    alerted = models.BooleanField(default=False)

    objects = EpisodeScopedQuerySet.as_manager()

    class Meta:
        ordering = ["episode", "day"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "day"], name="one_daily_mood"),
            models.CheckConstraint(
                condition=Q(mood__gte=MOOD_LOWEST) & Q(mood__lte=MOOD_HIGHEST),
                name="daily_mood_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"daily mood {self.public_id}"


class LifeEvent(ClinicKeyed, PublicModel):
    """A dated life event, drawn on the rhythm and mood timeline (§4.1: life events)."""

    clinic_from = "episode"
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    description = EncryptedTextField(_("what happened"))
    source = models.CharField(max_length=10, choices=Source.choices)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    alerted = models.BooleanField(default=False)

    objects = EpisodeScopedQuerySet.as_manager()

    class Meta:
        ordering = ["episode", "day", "created_at"]
        indexes = [models.Index(fields=["episode", "day"], name="life_event_day")]

    def __str__(self) -> str:
        return f"life event {self.public_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("A life event is kept as written: add another instead.")
        super().save(*args, **kwargs)
