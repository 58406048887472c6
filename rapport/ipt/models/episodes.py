"""An IPT course of treatment and what the initial phase produces (§1.2–§1.4, §4)."""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Client
from rapport.core.fields import EncryptedTextField
from rapport.core.models import ClinicKeyed, User
from rapport.ipt import catalogue, variants
from rapport.ipt.catalogue import DisputeStage, EpisodeType, Phase, ProblemArea, Variant
from rapport.ipt.models.base import (
    EpisodeScopedQuerySet,
    LiveManager,
    PublicModel,
    SoftRemovable,
)


class EpisodeQuerySet(EpisodeScopedQuerySet):
    episode_path = "client"

    def active(self) -> EpisodeQuerySet:
        return self.filter(status=Episode.Status.ACTIVE)


class Episode(ClinicKeyed):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    class CloseReason(models.TextChoices):
        COMPLETED = "completed", _("Completed (termination tasks done)")
        DROP_OUT = "drop_out", _("Client stopped attending")
        REFERRAL = "referral", _("Referred elsewhere")
        TRANSFER = "transfer", _("Transferred to another therapist or service")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic_from = "client"
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="episodes")
    therapist = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    episode_type = models.CharField(
        _("episode type"), max_length=20, choices=EpisodeType.choices, default=EpisodeType.ACUTE
    )
    variant = models.CharField(
        _("manual"), max_length=20, choices=Variant.choices, default=Variant.STANDARD
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    started_on = models.DateField(_("start date"))
    closed_on = models.DateField(null=True, blank=True)
    close_reason = models.CharField(max_length=20, choices=CloseReason.choices, blank=True)
    close_note = EncryptedTextField(_("closing note"))
    # §1.2: planned phase boundaries, stored per episode; defaults from the protocol.
    initial_phase_sessions = models.PositiveSmallIntegerField(
        _("sessions in the initial phase"),
        default=catalogue.DEFAULT_INITIAL_SESSIONS,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
    )
    termination_phase_sessions = models.PositiveSmallIntegerField(
        _("sessions in the termination phase"),
        default=catalogue.DEFAULT_TERMINATION_SESSIONS,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
    )
    # Combined treatment (§1.3 task 2).
    prescriber_name = models.CharField(_("prescriber"), max_length=200, blank=True)
    prescriber_contact = models.CharField(_("prescriber contact"), max_length=200, blank=True)
    medication_notes = EncryptedTextField(_("medication notes"))
    clinician_rated_severe = models.BooleanField(
        _("clinician rates the depression severe"), default=False
    )
    baseline_phq9 = models.PositiveSmallIntegerField(
        _("baseline PHQ-9"), null=True, blank=True, validators=[MaxValueValidator(27)]
    )
    # §1.3 tasks 7–8: one primary area (required to contract), at most one secondary.
    primary_problem_area = models.CharField(
        _("primary problem area"), max_length=30, choices=ProblemArea.choices, blank=True
    )
    secondary_problem_area = models.CharField(
        _("secondary problem area"), max_length=30, choices=ProblemArea.choices, blank=True
    )
    formulation = EncryptedTextField(_("interpersonal formulation"))
    formulation_agreed_on = models.DateField(_("client agreed on"), null=True, blank=True)
    # IPT-A (§1.8): what a parent or guardian sees in the portal; goals carry their own flag.
    guardian_sees_summary = models.BooleanField(_("the summary for the client"), default=False)
    guardian_sees_contract = models.BooleanField(_("the treatment contract"), default=False)
    guardian_sees_safety_plan = models.BooleanField(_("the safety plan"), default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "-pk"]
        # The outcomes dashboard counts a clinic's courses by start and end date.
        indexes = [
            models.Index(fields=["clinic", "started_on"], name="episode_clinic_started"),
            models.Index(fields=["clinic", "closed_on"], name="episode_clinic_closed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(primary_problem_area=models.F("secondary_problem_area"))
                | models.Q(primary_problem_area=""),
                name="secondary_area_differs",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_episode_type_display()} IPT, {self.started_on:%Y-%m-%d}"

    @property
    def audit_subject_id(self) -> uuid.UUID:
        return self.client.public_id

    @property
    def current_contract(self) -> Contract | None:
        return self.contracts.order_by("-version").first()

    def sessions_held(self) -> int:
        return self.notes.filter(attendance=SessionAttendance.ATTENDED).count()

    def phase_for_session(self, number: int, planned: int | None) -> str:
        """§1.2: initial = first N sessions, termination = last M of the contract."""
        if self.status == self.Status.CLOSED:
            return Phase.CLOSED
        if self.episode_type == EpisodeType.MAINTENANCE:
            return Phase.MAINTENANCE
        if number <= self.initial_phase_sessions:
            return Phase.INITIAL
        if planned and number > planned - self.termination_phase_sessions:
            return Phase.TERMINATION
        return Phase.MIDDLE

    def current_phase(self, *, held: int | None = None, planned: int | None = None) -> str:
        """The phase of the next session (callers may pass known counts to save queries)."""
        if held is None:
            held = self.sessions_held()
        if planned is None:
            contract = self.current_contract
            planned = contract.planned_sessions if contract else None
        return self.phase_for_session(held + 1, planned)


class SessionAttendance(models.TextChoices):
    ATTENDED = "attended", _("Attended")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("Did not attend")


class EpisodeTask(ClinicKeyed):
    """One checklist item of the initial or termination phase (§1.3, §1.7)."""

    clinic_from = "episode"
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="tasks")
    code = models.CharField(max_length=40)
    # The row identity its ciphertext is bound to (core.fields).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    done = models.BooleanField(default=False)
    note = EncryptedTextField(_("note"))
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")

    objects = EpisodeScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["episode", "code"], name="one_task_per_code")
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def task(self) -> catalogue.Task:
        return variants.TASKS_BY_CODE[self.code]


class Goal(ClinicKeyed, SoftRemovable, PublicModel):
    """A treatment goal for a problem area, pre-filled from §1.4 and editable."""

    clinic_from = "episode"
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="goals")
    problem_area = models.CharField(max_length=30, choices=ProblemArea.choices)
    text = EncryptedTextField(_("goal"))
    position = models.PositiveSmallIntegerField(default=0)
    achieved = models.BooleanField(default=False)
    shared_with_guardian = models.BooleanField(default=False)

    objects = LiveManager.from_queryset(EpisodeScopedQuerySet)()
    with_removed = EpisodeScopedQuerySet.as_manager()

    class Meta:
        ordering = ["problem_area", "position", "pk"]

    def __str__(self) -> str:
        return f"goal {self.public_id}"


class DisputeStageAssessment(ClinicKeyed):
    """§1.4: a role dispute's stage, re-assessed over time (latest wins)."""

    clinic_from = "episode"
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="dispute_stages")
    stage = models.CharField(_("dispute stage"), max_length=20, choices=DisputeStage.choices)
    assessed_on = models.DateField(_("assessed on"))
    # The row identity its ciphertext is bound to (core.fields).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    note = EncryptedTextField(_("note"))
    assessed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EpisodeScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_on", "-pk"]

    def __str__(self) -> str:
        return self.stage


class Contract(ClinicKeyed, PublicModel):
    """A version of the treatment contract (§1.3 task 9, §4). Never edited: renegotiation
    (extension, taper, early end) adds a new version with its reason (§4.1)."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Initial contract")
        EXTENSION = "extension", _("Extension")
        TAPER = "taper", _("Tapering")
        EARLY_END = "early_end", _("Early end")
        OTHER = "other", _("Other change")

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        TWICE_WEEKLY = "twice_weekly", _("Twice weekly")
        FORTNIGHTLY = "fortnightly", _("Every two weeks")
        MONTHLY = "monthly", _("Monthly")

    class Acknowledgement(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PORTAL = "portal", _("Client portal")

    clinic_from = "episode"
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="contracts")
    version = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INITIAL)
    planned_sessions = models.PositiveSmallIntegerField(
        _("planned sessions"), validators=[MinValueValidator(1), MaxValueValidator(40)]
    )
    frequency = models.CharField(
        _("frequency"), max_length=20, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    session_minutes = models.PositiveSmallIntegerField(
        _("session length (minutes)"),
        default=50,
        validators=[MinValueValidator(20), MaxValueValidator(120)],
    )
    start_on = models.DateField(_("start"))
    expected_end_on = models.DateField(_("expected end"))
    focus = EncryptedTextField(_("focus"))
    missed_session_policy = EncryptedTextField(_("missed-session policy"))
    reason = EncryptedTextField(_("reason for the change"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("client acknowledged"), null=True, blank=True)
    acknowledged_how = models.CharField(max_length=20, choices=Acknowledgement.choices, blank=True)
    # The client's own acknowledgement of this version in the portal, beside the in-person one.
    portal_acknowledged_at = models.DateTimeField(
        _("client acknowledged in the portal"), null=True, blank=True
    )
    portal_acknowledged_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = EpisodeScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "version"], name="one_contract_version"),
        ]

    def __str__(self) -> str:
        return f"contract v{self.version}"
