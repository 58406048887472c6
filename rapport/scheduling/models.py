"""Availability, appointments and series, reminders and calendar feeds.

scheduling knows appointments, not treatments (DESIGN.md): an IPT episode is
known here only by its opaque id (``context_id``), a consultation request by
``request_id``. Times are stored in UTC; weekly hours are wall-clock times in
the therapist's zone, so a series keeps its local time across DST changes.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Client
from rapport.core.access import Capability, Reach, reaches
from rapport.core.fields import EncryptedCharField, EncryptedTextField
from rapport.core.models import Clinic, ClinicKeyed, ClinicKeyedQuerySet, User
from rapport.core.models.clinics import validate_time_zone


class WeeklyHours(ClinicKeyed):
    """One block of a therapist's regular working week, in their own time zone."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    clinic_from = "therapist"
    therapist = models.ForeignKey(User, on_delete=models.CASCADE, related_name="weekly_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    session_minutes = models.PositiveSmallIntegerField(
        _("session length (minutes)"),
        default=50,
        validators=[MinValueValidator(15), MaxValueValidator(180)],
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        _("buffer after each session (minutes)"), default=10, validators=[MaxValueValidator(60)]
    )

    class Meta:
        ordering = ["therapist", "weekday", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends__gt=models.F("starts")), name="hours_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M}"


class TimeOff(ClinicKeyed):
    """An exception to the weekly hours: holiday, training, illness."""

    clinic_from = "therapist"
    therapist = models.ForeignKey(User, on_delete=models.CASCADE, related_name="time_off")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    # A reason can still say more about the therapist than a calendar should: encrypted.
    reason = EncryptedCharField(_("reason"), max_length=120)
    # The row identity its ciphertext is bound to (core.fields).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="time_off_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"time off {self.starts_at:%Y-%m-%d}"


def default_reminder_leads() -> list[int]:
    return [48 * 60, 2 * 60]  # minutes before the appointment: 48 h and 2 h


class SchedulingSettings(models.Model):
    """A clinic's scheduling rules (defaults from the issue)."""

    clinic = models.OneToOneField(
        Clinic, on_delete=models.CASCADE, related_name="scheduling_settings"
    )
    reminder_lead_minutes = models.JSONField(default=default_reminder_leads)
    late_cancellation_hours = models.PositiveSmallIntegerField(default=24)
    public_slot_picking = models.BooleanField(
        _("let people pick an initial-consultation slot on the public form"), default=False
    )
    hold_minutes = models.PositiveSmallIntegerField(
        _("hold a picked slot this long for the coordinator to confirm (minutes)"), default=48 * 60
    )

    def __str__(self) -> str:
        return f"scheduling settings {self.clinic_id}"


class ClosureDay(models.Model):
    """A day the whole clinic is closed (a public holiday, a training day): courses
    booked across it warn, and no slot is offered on it."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="closure_days")
    day = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=80, help_text=_("For example: New Year's Day"))

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "day"], name="one_closure_per_clinic_day")
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.name}"


class Series(ClinicKeyed):
    """A weekly (or other cadence) run of sessions booked in one step from a contract."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic_from = "client"
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="series")
    therapist = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    context_id = models.UUIDField(null=True, blank=True, db_index=True)
    first_starts_at = models.DateTimeField()
    local_time = models.TimeField()
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    interval_days = models.PositiveSmallIntegerField(default=7)
    count = models.PositiveSmallIntegerField()
    duration_minutes = models.PositiveSmallIntegerField(default=50)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"series {self.public_id}"

    @property
    def audit_subject_id(self) -> uuid.UUID:
        """Filed under its client in the audit log (and so seen by break-glass review)."""
        return self.client.public_id


class AppointmentQuerySet(models.QuerySet):
    def visible_to(self, user: Any, capability: Capability) -> AppointmentQuerySet:
        """Appointments ``user`` may use ``capability`` on: those of clients in their reach,
        and (clinic-wide roles, or the therapist's own) those with no client record yet."""
        granted = reaches(user, capability)
        if not granted:
            return self.none()
        scope = models.Q(client__in=Client.objects.visible_to(user, capability))
        if Reach.CLINIC in granted:
            scope |= models.Q(client__isnull=True)
        elif Reach.ASSIGNED in granted:
            scope |= models.Q(client__isnull=True, therapist=user)
        return self.filter(clinic_id=user.clinic_id).filter(scope)

    def active(self) -> AppointmentQuerySet:
        """Appointments that occupy the therapist's time."""
        return self.filter(status__in=Appointment.OCCUPYING)

    def overlapping(self, starts_at: Any, ends_at: Any) -> AppointmentQuerySet:
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)


class Appointment(models.Model):
    class Kind(models.TextChoices):
        CONSULTATION = "consultation", _("Initial consultation")
        SESSION = "session", _("Session")

    class Status(models.TextChoices):
        HELD = "held", _("Held for confirmation")
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        LATE_CANCELLED = "late_cancelled", _("Cancelled late")
        NO_SHOW = "no_show", _("Did not attend")
        ATTENDED = "attended", _("Attended")

    OCCUPYING = (Status.HELD, Status.BOOKED, Status.ATTENDED, Status.NO_SHOW)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="appointments")
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, null=True, blank=True, related_name="appointments"
    )
    # An initial consultation may be booked for a request before a client record exists.
    request_id = models.UUIDField(null=True, blank=True, db_index=True)
    therapist = models.ForeignKey(User, on_delete=models.PROTECT, related_name="appointments")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SESSION)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.BOOKED)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    series = models.ForeignKey(
        Series, on_delete=models.SET_NULL, null=True, blank=True, related_name="appointments"
    )
    series_index = models.PositiveSmallIntegerField(null=True, blank=True)
    context_id = models.UUIDField(null=True, blank=True, db_index=True)
    video_link = models.URLField(_("video link"), blank=True)
    held_until = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Meant to be operational, but typed freely: encrypted like clinical text.
    cancel_reason = EncryptedCharField(max_length=200)
    moved_from = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="moved_to"
    )
    # The client (or guardian) confirmed in the portal that they will come.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["therapist", "starts_at"], name="appointment_calendar")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="appointment_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"appointment {self.public_id}"

    @property
    def audit_subject_id(self) -> uuid.UUID | None:
        return self.client.public_id if self.client_id else None


class RescheduleRequestQuerySet(ClinicKeyedQuerySet):
    def visible_to(self, user: Any, capability: Capability) -> RescheduleRequestQuerySet:
        return self.filter(appointment__in=Appointment.objects.visible_to(user, capability)).filter(
            clinic_id=user.clinic_id
        )

    def open(self) -> RescheduleRequestQuerySet:
        return self.filter(handled_at__isnull=True)


class RescheduleRequest(ClinicKeyed):
    """A client's request, from the portal, to move an appointment; the coordinator
    handles it (moves or cancels the appointment) and marks it done."""

    clinic_from = "appointment"
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="reschedule_requests"
    )
    # Free text ("Tuesday mornings"), typed by the client: encrypted.
    preferred_times = EncryptedTextField(_("times that would suit you"))
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RescheduleRequestQuerySet.as_manager()

    class Meta:
        ordering = ["requested_at", "pk"]
        indexes = [
            models.Index(
                fields=["clinic", "requested_at"],
                condition=models.Q(handled_at__isnull=True),
                name="reschedule_request_open",
            ),
        ]

    def __str__(self) -> str:
        return f"reschedule request {self.public_id}"

    @property
    def audit_subject_id(self) -> uuid.UUID | None:
        return self.appointment.audit_subject_id


class BookingConfirmation(ClinicKeyed):
    """A booking confirmation queued in the outbox: when the outbox sends the e-mail, its
    .ics is built from this appointment (or the whole series), as they stand then."""

    clinic_from = "appointment"
    email = models.OneToOneField(
        "core.OutboundEmail", on_delete=models.CASCADE, related_name="booking_confirmation"
    )
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="+")
    series = models.ForeignKey(
        Series, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"booking confirmation {self.pk}"


class Reminder(ClinicKeyed):
    """One reminder e-mail for one appointment; a due row the worker claims (sent once)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    clinic_from = "appointment"
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="reminders")
    lead_minutes = models.PositiveIntegerField()
    send_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    claimed_by = models.CharField(max_length=200, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # Claim of reminders.send_due_reminders: pending rows, oldest due first.
            models.Index(
                fields=["send_at", "id"],
                condition=models.Q(status="pending"),
                name="reminder_pending_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "lead_minutes"], name="one_reminder_per_lead"
            ),
        ]

    def __str__(self) -> str:
        return f"reminder {self.pk}"


class CalendarFeed(ClinicKeyed):
    """A therapist's private, revocable iCalendar feed (initials only, no clinical detail)."""

    clinic_from = "therapist"
    therapist = models.ForeignKey(User, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"feed {self.pk}"
