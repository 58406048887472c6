"""The interpersonal inventory, closeness circle and timeline (§1.3 tasks 5–6, §1.6)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.core.fields import EncryptedCharField, EncryptedTextField
from rapport.core.models import ClinicKeyed, User
from rapport.ipt.models.base import (
    EpisodeScopedQuerySet,
    LiveManager,
    PublicModel,
    SoftRemovable,
)
from rapport.ipt.models.episodes import Episode

CLOSENESS_RINGS = 3  # §1.6: ring 1 = closest, default three rings


class InventoryPerson(ClinicKeyed, SoftRemovable, PublicModel):
    """One important person in the client's life, with the fields of §1.6."""

    class Relationship(models.TextChoices):
        PARTNER = "partner", _("Partner or spouse")
        PARENT = "parent", _("Parent")
        CHILD = "child", _("Child")
        SIBLING = "sibling", _("Sibling")
        OTHER_FAMILY = "family", _("Other family")
        FRIEND = "friend", _("Friend")
        COLLEAGUE = "colleague", _("Colleague or classmate")
        OTHER = "other", _("Other")

    class Reciprocity(models.TextChoices):
        RECIPROCAL = "reciprocal", _("Reciprocal (expectations match)")
        NON_RECIPROCAL = "non_reciprocal", _("Non-reciprocal (expectations differ)")
        UNCLEAR = "unclear", _("Not yet clear")

    class Influence(models.TextChoices):
        SUPPORT = "support", _("Mostly a support")
        STRESSOR = "stressor", _("Mostly a stressor")
        BOTH = "both", _("Both")
        NEITHER = "neither", _("Neither")

    clinic_from = "episode"
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="people")
    # A third party's name is clinical content too: encrypted like the rest.
    name = EncryptedTextField(_("name or initials"))
    relationship = models.CharField(_("relationship"), max_length=20, choices=Relationship.choices)
    relationship_detail = EncryptedCharField(
        _("relationship, in the client's words"), max_length=100
    )
    contact = EncryptedTextField(_("contact: how often, doing what"))
    satisfying = EncryptedTextField(_("satisfying aspects"))
    unsatisfying = EncryptedTextField(_("unsatisfying aspects"))
    expectations_of_other = EncryptedTextField(_("what the client expects of them"))
    expectations_of_client = EncryptedTextField(_("what they expect of the client"))
    reciprocity = models.CharField(
        _("expectations"), max_length=20, choices=Reciprocity.choices, default=Reciprocity.UNCLEAR
    )
    conflict = EncryptedTextField(_("conflict: how often, what happens, does it resolve"))
    can_discuss = EncryptedTextField(_("what can be talked about"))
    cannot_discuss = EncryptedTextField(_("what cannot be talked about"))
    desired_change = EncryptedTextField(_("what the client would like to change"))
    influence = models.CharField(
        _("support or stressor"),
        max_length=20,
        choices=Influence.choices,
        default=Influence.NEITHER,
    )
    linked_to_onset = models.BooleanField(
        _("change in this relationship near onset"), default=False
    )
    deceased = models.BooleanField(_("deceased"), default=False)
    died_on = models.DateField(_("date of death"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LiveManager.from_queryset(EpisodeScopedQuerySet)()
    with_removed = EpisodeScopedQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"person {self.public_id}"


class RatingQuerySet(EpisodeScopedQuerySet):
    episode_path = "person__episode__client"


class ClosenessRating(ClinicKeyed):
    """Where the client places a person in the closeness circle, at one moment (§1.6)."""

    class Occasion(models.TextChoices):
        INTAKE = "intake", _("At intake")
        REVIEW = "review", _("Mid-treatment review")
        TERMINATION = "termination", _("At termination")

    clinic_from = "person"
    person = models.ForeignKey(InventoryPerson, on_delete=models.CASCADE, related_name="ratings")
    occasion = models.CharField(max_length=20, choices=Occasion.choices, default=Occasion.INTAKE)
    ring = models.PositiveSmallIntegerField(
        _("ring"), validators=[MinValueValidator(1), MaxValueValidator(CLOSENESS_RINGS)]
    )
    desired_ring = models.PositiveSmallIntegerField(
        _("where the client would like them"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(CLOSENESS_RINGS)],
    )
    rated_on = models.DateField()
    rated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    objects = RatingQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "occasion"], name="one_rating_per_occasion"),
        ]

    def __str__(self) -> str:
        return f"ring {self.ring}"


class TimelineEvent(ClinicKeyed, SoftRemovable, PublicModel):
    """A life or interpersonal event, with its link to mood (§1.3 task 6)."""

    class Mood(models.TextChoices):
        WORSE = "worse", _("Mood got worse")
        BETTER = "better", _("Mood got better")
        NONE = "none", _("No clear change")

    clinic_from = "episode"
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="timeline")
    occurred_on = models.DateField(_("when"))
    approximate = models.BooleanField(_("date is approximate"), default=False)
    title = EncryptedTextField(_("what happened"))
    detail = EncryptedTextField(_("details"))
    mood = models.CharField(_("mood"), max_length=10, choices=Mood.choices, default=Mood.NONE)
    is_onset = models.BooleanField(_("onset of the current episode"), default=False)
    major_change = models.BooleanField(
        _("a major life change (move, job, birth, illness…)"), default=False
    )
    people = models.ManyToManyField(InventoryPerson, blank=True, related_name="events")

    objects = LiveManager.from_queryset(EpisodeScopedQuerySet)()
    with_removed = EpisodeScopedQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_on", "pk"]

    def __str__(self) -> str:
        return f"event {self.public_id}"
