"""Group IPT (variants.md §3): the group, its facilitators and members, its sessions.

Each member keeps their own episode of the group's manual (§3.4 ``GroupMembership``).
A group session's note has two parts (§3.4 ``GroupSession``):

* the **shared part** (themes, group process, techniques, facilitator reflections) is
  stored here, encrypted, and read only through the group (facilitators and their
  supervisors);
* each **member's part** is an ordinary ``ipt.SessionNote`` in that member's own
  episode, so it is filed in the member's record, signed, snapshotted and changed by
  addenda like any individual note. ``MemberEntry`` links it to the group session and
  keeps the attendance as the group recorded it (attended, late, absent).

No row a member's record reads names another member (§3.3, §3.4 isolation rules).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rapport.core.access import Capability, Reach, reaches
from rapport.core.fields import EncryptedTextField
from rapport.core.models import ClinicKeyed, ClinicKeyedQuerySet, Supervision, User
from rapport.ipt import variants
from rapport.ipt.models import Episode, SessionNote


class GroupQuerySet(ClinicKeyedQuerySet):
    def visible_to(self, user: Any, capability: Capability = Capability.VIEW_CLINICAL) -> Any:
        """Groups the user facilitates; read-only, those of the facilitators they supervise.

        A group is reached through its facilitators, never through its members' records:
        a member's therapist who does not facilitate sees the member's part in the
        member's record, not the group (§3.4).
        """
        granted = reaches(user, capability)
        if not granted or Reach.SELF in granted:
            return self.none()
        scope = Q(pk__in=[])
        if Reach.ASSIGNED in granted or Reach.CLINIC in granted:
            scope |= Q(facilitators__user=user)
        if Reach.SUPERVISED in granted:
            supervisees = Supervision.objects.filter(supervisor=user).values("supervisee_id")
            scope |= Q(facilitators__user_id__in=supervisees)
        matching = self.filter(clinic_id=user.clinic_id).filter(scope).values("pk")
        return self.filter(pk__in=matching)


class TherapyGroup(ClinicKeyed):
    """§3.4 ``Group``: a closed group running one group manual of the catalogue."""

    class Status(models.TextChoices):
        FORMING = "forming", _("Forming")
        PRE_GROUP = "pre_group", _("Pre-group meetings")
        ACTIVE = "active", _("Running")
        ENDED = "ended", _("Ended")

    class Modality(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        REMOTE = "remote", _("Remote (video)")

    clinic_from = "created_by"
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Operational, not clinical: staff name groups by day and place ("Tuesday evening").
    name = models.CharField(_("group name"), max_length=80)
    variant = models.CharField(_("manual"), max_length=20)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.FORMING)
    modality = models.CharField(
        _("modality"), max_length=12, choices=Modality.choices, default=Modality.IN_PERSON
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"group {self.public_id}"

    @property
    def manual_label(self) -> str:
        return variants.get(self.variant).label


class Facilitator(ClinicKeyed):
    """A staff member leading the group (§3.4: lead or co-facilitator)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead facilitator")
        CO = "co", _("Co-facilitator")

    clinic_from = "group"
    group = models.ForeignKey(TherapyGroup, on_delete=models.CASCADE, related_name="facilitators")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.LEAD)

    class Meta:
        ordering = ["role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="one_facilitator_row"),
        ]

    def __str__(self) -> str:
        return self.role


class Membership(ClinicKeyed):
    """§3.4 ``GroupMembership``: a client in the group, with their own episode."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        PRE_GROUP_DONE = "pre_group_done", _("Pre-group meeting done")
        ACTIVE = "active", _("Active")
        DROPPED = "dropped", _("Left the group")
        COMPLETED = "completed", _("Completed")

    clinic_from = "group"
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(TherapyGroup, on_delete=models.CASCADE, related_name="members")
    # One group per episode: the member's own record of the course.
    episode = models.OneToOneField(Episode, on_delete=models.PROTECT, related_name="+")
    # The shared part refers to members by this, never by name (§3.4): "M1", "M2", …
    code = models.CharField(max_length=8)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INVITED)
    joined_at_session = models.PositiveSmallIntegerField(default=1)
    exit_reason = EncryptedTextField(_("why the member left"))
    agreement_signed_at = models.DateField(_("group agreement signed on"), null=True, blank=True)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "code"], name="one_member_code"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def audit_subject_id(self) -> uuid.UUID:
        return self.episode.client.public_id


class IndividualMeeting(ClinicKeyed):
    """§3.4: a pre-, mid- or post-group meeting, filed as a session of the member's episode."""

    class Kind(models.TextChoices):
        PRE_GROUP = "pre_group", _("Pre-group meeting")
        MID_GROUP = "mid_group", _("Mid-treatment meeting")
        POST_GROUP = "post_group", _("Post-treatment meeting")

    clinic_from = "membership"
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    note = models.OneToOneField(SessionNote, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.kind


class GroupSession(ClinicKeyed):
    """One meeting of the group and its note's shared part (§3.4)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DRAFT = "draft", _("Note in draft")
        SIGNED = "signed", _("Note signed")

    clinic_from = "group"
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(TherapyGroup, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("session number"))
    starts_at = models.DateTimeField(null=True, blank=True)
    held_on = models.DateField(_("date"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    author = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    themes = EncryptedTextField(_("themes"))
    group_process = EncryptedTextField(_("group process"))
    techniques = models.JSONField(_("techniques used"), default=list, blank=True)
    reflections = EncryptedTextField(_("facilitator reflections"))
    version = models.PositiveIntegerField(default=1)
    saved_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["group", "number"]
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="one_group_session_number"),
        ]

    def __str__(self) -> str:
        return f"group session {self.number}"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.SIGNED


class MemberEntry(ClinicKeyed):
    """A member's part of one group session: attendance, and the note in their record."""

    class Attendance(models.TextChoices):
        ATTENDED = "attended", _("Attended")
        LATE = "late", _("Came late")
        ABSENT = "absent", _("Absent")

    clinic_from = "session"
    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="entries")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="entries")
    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance.choices, default=Attendance.ATTENDED
    )
    note = models.OneToOneField(SessionNote, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["session", "membership__code"]
        constraints = [
            models.UniqueConstraint(fields=["session", "membership"], name="one_entry_per_member"),
        ]

    def __str__(self) -> str:
        return f"entry {self.membership.code}"


class GroupAddendum(ClinicKeyed):
    """A dated change to a signed shared part; a member's part takes an ipt Addendum."""

    clinic_from = "session"
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(GroupSession, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField(_("reason"))
    text = EncryptedTextField(_("addendum"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"group addendum {self.public_id}"
