"""Questionnaire administration, responses, safety alerts and outcome flags.

measures knows clients (and later appointments), not IPT (DESIGN.md): an
episode is referred to only by its opaque id in ``context_id``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Client
from rapport.core.access import Capability, is_verified_staff
from rapport.core.fields import EncryptedJSONField, EncryptedTextField
from rapport.core.models import Clinic, ClinicKeyed, ClinicKeyedQuerySet, Role, User
from rapport.measures.risk_phrases import default_phrases


class ClientScopedQuerySet(ClinicKeyedQuerySet):
    """Rows about a client inherit the client's scope (the role table)."""

    def visible_to(self, user: Any, capability: Capability = Capability.VIEW_CLINICAL) -> Any:
        return self.filter(client__in=Client.objects.visible_to(user, capability).values("pk"))


class AboutClient:
    """Rows about one client: the audit log files them under the client and clinic."""

    client: Client

    @property
    def audit_subject_id(self) -> uuid.UUID:
        return self.client.public_id


class PersonQuerySet(ClientScopedQuerySet):
    def of_subject(self, subject_id: uuid.UUID) -> Any:
        """Every row about one person, by the opaque id the app above gave (client or not)."""
        return self.filter(subject_id=subject_id)


class AboutPerson(models.Model):
    """Rows about a person who may not be a client yet (a self-screen on a request).

    Until the person becomes a client, ``client`` is empty and ``subject_id`` holds
    an opaque id given by the app above (intake passes its request's public id), so
    measures never learns what a consultation request is. ``adopt`` in services
    moves every row of a subject onto the new client. Clientless rows fall outside
    every client scope (``visible_to``) and are reached through ``of_subject``.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, null=True, blank=True)
    subject_id = models.UUIDField(null=True, blank=True, db_index=True)

    class Meta:
        abstract = True

    @property
    def audit_subject_id(self) -> uuid.UUID | None:
        return self.client.public_id if self.client_id else self.subject_id


class MeasuresSettings(models.Model):
    """A clinic's outcome thresholds and safety windows (defaults from measures.md / safety.md)."""

    clinic = models.OneToOneField(
        Clinic, on_delete=models.CASCADE, related_name="measures_settings"
    )
    # {"phq9": {"caseness": 10, "reliable_change": 6, ...}, ...}; empty = catalogue defaults.
    thresholds = models.JSONField(default=dict, blank=True)
    hrsd_enabled = models.BooleanField(_("rate HRSD-17 at intake and termination"), default=False)
    critical_window_minutes = models.PositiveIntegerField(
        _("escalate critical alerts after (minutes)"), default=60
    )
    business_day_ends = models.TimeField(
        _("urgent alerts escalate at (local time)"), default="17:00"
    )
    invitation_hours_before = models.PositiveSmallIntegerField(
        _("send questionnaires this many hours before a session"), default=24
    )
    invitation_valid_hours = models.PositiveSmallIntegerField(
        _("questionnaire links expire after (hours)"), default=72
    )
    # Phrases in a client's practice entries and messages that raise an alert (risk_phrases.py).
    risk_phrases = models.JSONField(_("risk phrases"), default=default_phrases, blank=True)
    # Issue 11 item 3: clients see their own scores in the portal only if the clinic says so.
    portal_score_history = models.BooleanField(
        _("clients see their own score history in the portal"), default=False
    )

    def __str__(self) -> str:
        return f"measures settings {self.clinic_id}"


class ScheduledMeasure(ClinicKeyed):
    """One instrument on a client's measurement schedule (per episode, by opaque id)."""

    class Cadence(models.TextChoices):
        EVERY_SESSION = "every_session", _("Before every session")
        EVERY_FOURTH = "every_fourth", _("Every fourth session")
        START_AND_END = "start_and_end", _("At the start and at the end")

    clinic_from = "client"
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="scheduled_measures")
    context_id = models.UUIDField(_("episode"), db_index=True)
    instrument = models.CharField(max_length=30)
    cadence = models.CharField(max_length=20, choices=Cadence.choices)
    active = models.BooleanField(default=True)

    objects = ClientScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["context_id", "instrument"], name="one_schedule_row_per_instrument"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.cadence}"


class Invitation(AboutClient, ClinicKeyed):
    """A signed, single-use, expiring link to complete questionnaires remotely.

    The token itself is never stored: only its hash. A worker sends the e-mail
    when ``send_at`` passes (claimed like every job: exactly once).
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENT = "sent", _("Sent")
        COMPLETED = "completed", _("Completed")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic_from = "client"
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="invitations")
    context_id = models.UUIDField(null=True, blank=True)
    session_number = models.PositiveSmallIntegerField(null=True, blank=True)
    instruments = models.JSONField(default=list)
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    send_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    claimed_by = models.CharField(max_length=200, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClientScopedQuerySet.as_manager()

    class Meta:
        indexes = [
            # Claim of invitations.send_due_invitations: scheduled rows, oldest due first.
            models.Index(
                fields=["send_at", "id"],
                condition=models.Q(status="scheduled"),
                name="invitation_scheduled_due",
            ),
        ]

    def __str__(self) -> str:
        return str(self.public_id)


class ResponseQuerySet(PersonQuerySet):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("Responses are immutable: record a correction instead.")

    def attach_to_client(self, client: Client, context_id: uuid.UUID | None) -> int:
        """The one change a response takes: a clientless row (a self-screen) gets its client,
        and its episode (as session 0, before the first session) when it has none.
        Nothing else is written; rows that already have a client are left as they are.
        Returns how many rows were attached."""
        empty = self.filter(client__isnull=True)
        attached = 0
        if context_id is not None:
            # Answered before the course began: session 0 on the episode's session axis.
            without_episode = empty.filter(context_id__isnull=True, session_number__isnull=True)
            attached = models.QuerySet.update(
                without_episode, client=client, context_id=context_id, session_number=0
            )
        return attached + models.QuerySet.update(empty, client=client)


class Response(AboutPerson):
    """A submitted questionnaire. Never changed: a correction is a new, linked response.

    An incomplete response (``complete`` False: no total, no band, never prorated)
    is stored only when it carries a positive safety answer (safety.md §5.1); the
    rest of it is completed later as a new response that ``completes`` it.
    """

    class Mode(models.TextChoices):
        REMOTE = "remote", _("Completed by the client (remote link)")
        IN_SESSION = "in_session", _("Entered in session by the clinician")
        CLINICIAN_RATED = "clinician", _("Clinician-rated")
        SELF_SCREEN = "self_screen", _("Self-screen with the consultation request")
        PORTAL = "portal", _("Completed by the client in the portal")
        IMPORTED = "imported", _("Imported from earlier records")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, null=True, blank=True, related_name="responses"
    )
    context_id = models.UUIDField(null=True, blank=True, db_index=True)
    session_number = models.PositiveSmallIntegerField(null=True, blank=True)
    instrument = models.CharField(max_length=30, db_index=True)
    instrument_version = models.CharField(max_length=20)
    answers = EncryptedJSONField()  # {"q1": 2, ...}: item values, no wording
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    band = models.CharField(max_length=40, blank=True)
    complete = models.BooleanField(default=True)
    mode = models.CharField(max_length=12, choices=Mode.choices)
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    invitation = models.ForeignKey(
        Invitation, on_delete=models.PROTECT, null=True, blank=True, related_name="responses"
    )
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrected_by"
    )
    correction_reason = EncryptedTextField(_("reason for the correction"))
    # The incomplete response (with its safety answer) that this one completes.
    completes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="completed_by"
    )
    submitted_at = models.DateTimeField(db_index=True)
    # An imported response (mode "imported"): the import it came with, and where in
    # the import it was ("CSV row 4", "FHIR entry 2"); never a file name or other PHI.
    import_id = models.UUIDField(null=True, blank=True, db_index=True)
    source_detail = models.CharField(max_length=80, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["submitted_at", "pk"]
        indexes = [
            # An episode's responses in time order, either way (the measures tab, its charts).
            models.Index(
                fields=["context_id", "submitted_at", "id"], name="response_episode_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.public_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("Responses are immutable: record a correction instead.")
        super().save(*args, **kwargs)

    @property
    def imported(self) -> bool:
        return self.mode == self.Mode.IMPORTED


# Who holds an alert raised before the person is a client (AlertQuerySet.held_by_intake).
HOLDERS = {Role.INTAKE_COORDINATOR, Role.SUPERVISOR}


class AlertQuerySet(PersonQuerySet):
    def held_by_intake(self, user: Any) -> Any:
        """Alerts no client owns yet (a self-screen with a consultation request), in reach.

        The clinic's intake coordinators hold them (safety.md §5.1: never without an
        owner) and its supervisors are their escalation circle: both see them in full
        and may acknowledge. Everyone else: none (clinic admins learn only that an
        alert exists, through ``clinic_admin_view``).
        """
        if not is_verified_staff(user) or not HOLDERS & set(user.roles):
            return self.none()
        return self.filter(client__isnull=True, clinic_id=user.clinic_id)

    def readable_by(self, user: Any) -> Any:
        """Alerts the user reads in full: their clients' and those they hold before a client."""
        return self.visible_to(user) | self.held_by_intake(user)

    def clinic_admin_view(self, user: Any) -> Any:
        """Every alert of an admin's clinic, to show that it exists and how far it escalated."""
        if not is_verified_staff(user) or Role.CLINIC_ADMIN not in user.roles:
            return self.none()
        return self.filter(clinic_id=user.clinic_id)


class SafetyAlert(AboutPerson):
    """A positive suicidality answer (safety.md §5.1). Never deleted, never auto-closed.

    Also raised by a client's free text or a very low mood rating in the portal
    (between-session practice, secure messages): then ``source`` names which and
    ``source_id`` the entry, ``instrument`` is the source kind and ``item`` what
    triggered ("mood", or "risk_phrase" with ``value`` 0).

    Owned by the client's assigned therapist; before the person is a client (a
    self-screen on a consultation request) ``owner`` is empty and the clinic's
    intake coordinators hold it until ``services.adopt`` hands it over.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")

    class Source(models.TextChoices):
        QUESTIONNAIRE = "questionnaire", _("Questionnaire")
        PRACTICE = "practice", _("Between-session practice")
        MESSAGE = "message", _("Secure message")
        # variants.md §5.4: a physical observation past a medical-risk threshold.
        MEDICAL = "medical", _("Physical observation (medical risk)")

    class RiskLevel(models.TextChoices):
        LOW = "low", _("Low")
        MODERATE = "moderate", _("Moderate")
        HIGH = "high", _("High")
        IMMINENT = "imminent", _("Imminent")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, null=True, blank=True, related_name="safety_alerts"
    )
    # What raised it: a questionnaire answer (``response``), or a practice entry or a
    # message of the app above, known here only by its kind and opaque id.
    source = models.CharField(max_length=14, choices=Source.choices, default=Source.QUESTIONNAIRE)
    source_id = models.UUIDField(null=True, blank=True)
    response = models.ForeignKey(
        Response, on_delete=models.PROTECT, null=True, blank=True, related_name="alerts"
    )
    instrument = models.CharField(max_length=30)
    item = models.CharField(max_length=20)
    value = models.PositiveSmallIntegerField()
    severity = models.CharField(max_length=10)  # instruments.base.Severity
    owner = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(db_index=True)
    # Escalation: a due row the worker claims (DESIGN.md background work).
    escalate_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(max_length=200, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    # Acknowledgement = a documented risk assessment (safety.md §5.1 step 4).
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    ideation = EncryptedTextField(_("ideation"))
    plan = EncryptedTextField(_("plan"))
    intent = EncryptedTextField(_("intent"))
    behaviour = EncryptedTextField(_("suicidal or self-harm behaviour"))
    risk_factors = EncryptedTextField(_("risk factors"))
    protective_factors = EncryptedTextField(_("protective factors"))
    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices, blank=True
    )
    action_taken = EncryptedTextField(_("action taken"))
    safety_plan_updated = models.BooleanField(_("safety plan created or updated"), default=False)
    # The plan version the acknowledgement relied on (created or reviewed then, or ≤ 7 days before).
    safety_plan = models.ForeignKey(
        "SafetyPlan", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    # Where it was acknowledged from, by opaque id (a session note; empty: the alert page).
    acknowledged_in = models.UUIDField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # Claim of escalation.escalate_due_alerts: open alerts, oldest due first.
            models.Index(
                fields=["escalate_at", "id"],
                condition=models.Q(status="open"),
                name="alert_open_escalation_due",
            ),
        ]

    def __str__(self) -> str:
        return f"safety alert {self.public_id}"

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("Safety alerts are never deleted.")


class SafetyPlan(AboutPerson):
    """One version of a person's safety plan (Stanley & Brown's six steps plus means safety).

    Versions are never changed: editing, or reviewing without changes, adds a new
    version, so the newest row says what the plan is and when it was last looked at.
    """

    class Change(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        REVIEWED = "reviewed", _("Reviewed, no changes")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, null=True, blank=True, related_name="safety_plans"
    )
    version = models.PositiveIntegerField()
    change = models.CharField(max_length=10, choices=Change.choices)
    warning_signs = EncryptedTextField(_("1. Warning signs that a crisis may be developing"))
    coping_strategies = EncryptedTextField(
        _("2. Things I can do on my own to take my mind off my problems")
    )
    social_distractions = EncryptedTextField(
        _("3. People and social settings that help me take my mind off things")
    )
    people_to_ask = EncryptedTextField(_("4. People I can ask for help"))
    professionals = EncryptedTextField(_("5. Professionals and services I can contact in a crisis"))
    means_safety = EncryptedTextField(_("6. Making the environment safe"))
    reasons_for_living = EncryptedTextField(_("The most important reasons for living"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(db_index=True)
    # Where it was made from, by opaque id (a session note or an alert); empty: its own page.
    made_in = models.UUIDField(null=True, blank=True)

    objects = ClientScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["client", "version"], name="one_plan_version"),
            models.UniqueConstraint(
                fields=["subject_id", "version"], name="one_plan_version_per_subject"
            ),
        ]

    def __str__(self) -> str:
        return f"safety plan v{self.version}"


class AlertNotification(ClinicKeyed):
    """Who was told about an alert, how and when (the escalation trail)."""

    clinic_from = "alert"
    alert = models.ForeignKey(SafetyAlert, on_delete=models.PROTECT, related_name="notifications")
    recipient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField()  # 0 = owner, 1+ = escalations
    channel = models.CharField(max_length=10)  # "in_app" | "email"
    created_at = models.DateTimeField()
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"notification {self.pk}"


class OutcomeFlag(ClinicKeyed):
    """An advisory such as not-on-track (measures.md §3.1), with the rule version that raised it."""

    clinic_from = "client"
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="outcome_flags")
    context_id = models.UUIDField(db_index=True)
    instrument = models.CharField(max_length=30)
    kind = models.CharField(max_length=30)  # "not_on_track"
    rule_version = models.CharField(max_length=40)
    reasons = models.JSONField(default=list)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="+")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    objects = ClientScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.rule_version}"


class SelfCheck(AboutClient, ClinicKeyed):
    """A "things are slipping" check a client takes in the portal after the course.

    The PHQ-9 itself is an ordinary ``Response`` (its item 9 raises the usual safety
    alert); this row keeps why it needs the therapist's eye (``reasons``: codes such
    as "caseness", "safety", "worsened", never text) and whether the client asked for
    a booster session, until someone has seen it.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic_from = "client"
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="self_checks")
    response = models.OneToOneField(Response, on_delete=models.PROTECT, related_name="self_check")
    # The last score of the course it was compared with (reliable worsening), if any.
    compared_with = models.ForeignKey(
        Response, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reasons = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(db_index=True)
    seen_at = models.DateTimeField(null=True, blank=True)
    seen_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    booster_requested_at = models.DateTimeField(null=True, blank=True)
    booster_handled_at = models.DateTimeField(null=True, blank=True)
    booster_handled_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = ClientScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"self-check {self.public_id}"

    @property
    def positive(self) -> bool:
        return bool(self.reasons)


class PhysicalObservation(AboutClient, ClinicKeyed):
    """One set of physical observations of a client (variants.md §5.5).

    Entered by the therapist from the clinic, the GP or the client's own report.
    Past a medical-risk threshold of §5.4 it raises a ``SafetyAlert`` of source
    ``medical`` (rapport.measures.variant_safety): a prompt to refer for medical
    assessment that stays open until acknowledged. Never changed once recorded.
    """

    class Source(models.TextChoices):
        CLINIC = "clinic", _("Measured at the clinic")
        GP = "gp", _("From the GP or physician")
        SELF_REPORT = "self_report", _("Reported by the client")

    clinic_from = "client"
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="physical_observations"
    )
    observed_on = models.DateField(_("date observed"))
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    height_cm = models.DecimalField(
        _("height (cm)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    pulse = models.PositiveSmallIntegerField(_("pulse (beats a minute)"), null=True, blank=True)
    systolic_bp = models.PositiveSmallIntegerField(
        _("systolic blood pressure (mmHg)"), null=True, blank=True
    )
    temperature_c = models.DecimalField(
        _("temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    potassium = models.DecimalField(
        _("potassium (mmol/L)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    # §5.4 red flags reported since the last observation.
    syncope = models.BooleanField(_("fainting (syncope)"), default=False)
    chest_pain = models.BooleanField(_("chest pain"), default=False)
    blood_in_vomit = models.BooleanField(_("blood in vomit (haematemesis)"), default=False)
    vomiting_and_laxatives = models.BooleanField(
        _("vomiting and laxative misuse together"), default=False
    )
    low_fluid_intake = models.BooleanField(_("inadequate fluid intake"), default=False)
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    objects = ClientScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-observed_on", "-pk"]
        indexes = [
            models.Index(fields=["client", "observed_on", "id"], name="observation_client_order")
        ]

    def __str__(self) -> str:
        return f"physical observation {self.public_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("Observations are not changed: record a new one.")
        super().save(*args, **kwargs)
