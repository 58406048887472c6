"""Group IPT across rows: forming a group, booking its series, its notes, signing (§3).

A member's part of a group note is an ``ipt.SessionNote`` in the member's own
episode (models.py), written and signed through ``rapport.ipt.notes``: the same
versioned drafts, the same signing rules (suicidality every attended session, open
safety alerts never signed past in silence), the same snapshot and addenda.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.core.fields import sealed
from rapport.core.versioning import update_if_current
from rapport.groups.models import (
    Facilitator,
    GroupAddendum,
    GroupSession,
    IndividualMeeting,
    MemberEntry,
    Membership,
    TherapyGroup,
)
from rapport.ipt import notes, variants
from rapport.ipt.models import Addendum, Episode, SessionNote
from rapport.ipt.models.episodes import SessionAttendance
from rapport.ipt.variants import Delivery, VariantDefinition
from rapport.scheduling import signals
from rapport.scheduling.booking import SlotTaken, book
from rapport.scheduling.models import Appointment, Series
from rapport.scheduling.series import plan

# What the member's part of a group note holds (§3.4 per-member entries), as
# SessionNote fields: the member's record shows them like any session's note.
MEMBER_FIELDS = (
    "mood_rating",
    "symptom_review",
    "interval_events",
    "problem_area_work",
    "between_session_plan",
    "suicidality",
    "suicidality_detail",
    "open_alerts_reason",
)
SHARED_FIELDS = ("held_on", "themes", "group_process", "techniques", "reflections")
# §3.4 attendance: late still attended; the member's record counts held sessions.
ATTENDANCE_IN_RECORD = {
    MemberEntry.Attendance.ATTENDED: SessionAttendance.ATTENDED,
    MemberEntry.Attendance.LATE: SessionAttendance.ATTENDED,
    MemberEntry.Attendance.ABSENT: SessionAttendance.NO_SHOW,
}
# What a list of sessions shows: none of the shared part's text is decrypted.
SESSION_LISTED = ("public_id", "group_id", "number", "starts_at", "status")
# §3.4: two absences in a row are flagged for follow-up [GK].
ABSENCES_FLAGGED = 2


class GroupError(Exception):
    """A rule refuses the operation; ``errors`` maps form fields to messages."""

    def __init__(self, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {}


@dataclass
class Conflict(Exception):
    """Someone saved the group note since the editor's version."""

    current: GroupSession
    fields: list[str] = field(default_factory=list)


def group_formats() -> list[VariantDefinition]:
    """The catalogue's group manuals (WHO Group IPT, IPT-G): data, not names."""
    return [d for d in variants.DEFINITIONS.values() if d.delivery == Delivery.GROUP]


def definition(group: TherapyGroup) -> VariantDefinition:
    return variants.get(group.variant)


# --- forming the group ----------------------------------------------------------------


@transaction.atomic
def create_group(
    *, name: str, variant: str, modality: str, by: Any, co_facilitator: Any = None
) -> TherapyGroup:
    if variant not in {d.code for d in group_formats()}:
        raise GroupError(_("Choose a group manual."), {"variant": _("Choose a group manual.")})
    group = TherapyGroup.objects.create(
        name=name, variant=variant, modality=modality, created_by=by
    )
    Facilitator.objects.create(group=group, user=by, role=Facilitator.Role.LEAD)
    if co_facilitator is not None and co_facilitator.pk != by.pk:
        Facilitator.objects.create(group=group, user=co_facilitator, role=Facilitator.Role.CO)
    return group


def add_member(group: TherapyGroup, episode: Episode, by: Any) -> Membership:
    """A client joins with their own episode of the group's manual (§3.4)."""
    if episode.variant != group.variant or episode.status != Episode.Status.ACTIVE:
        raise GroupError(_("The member needs an active episode of this group's manual."))
    if group.status == TherapyGroup.Status.ENDED:
        raise GroupError(_("This group has ended."))
    with transaction.atomic():
        TherapyGroup.objects.select_for_update().filter(pk=group.pk).first()
        if Membership.objects.filter(episode=episode).exists():
            raise GroupError(_("This client's episode is already in a group."))
        count = group.members.count()
        held = group.sessions.filter(status=GroupSession.Status.SIGNED).count()
        return Membership.objects.create(
            group=group,
            episode=episode,
            code=f"M{count + 1}",
            joined_at_session=held + 1,
            added_by=by,
        )


def active_members(group: TherapyGroup) -> Any:
    return group.members.exclude(
        status__in=[Membership.Status.DROPPED, Membership.Status.COMPLETED]
    ).select_related("episode__client", "episode__therapist")


def leave(membership: Membership, reason: str) -> None:
    """§3.4: the member leaves (dropped); later group notes leave them out."""
    if not reason.strip():
        raise GroupError(_("Say why the member left."), {"reason": _("Say why the member left.")})
    left = Membership.objects.exclude(status=Membership.Status.DROPPED).filter(pk=membership.pk)
    left.update(**sealed(membership, status=Membership.Status.DROPPED, exit_reason=reason))


# --- the pre-group meeting ----------------------------------------------------------------


@transaction.atomic
def record_meeting(
    membership: Membership, by: Any, kind: str, values: dict[str, Any], agreement_on: Any
) -> IndividualMeeting:
    """§3.1/§3.2: the individual meeting as a signed session of the member's episode."""
    episode = membership.episode
    note = notes.create_next_note(episode, by, values.get("held_on"))
    SessionNote.objects.filter(pk=note.pk).update(phase=episode.phase_for_session(1, None))
    note.refresh_from_db()
    notes.save_draft(note, note.version, values)
    try:
        notes.sign(note, by)
    except notes.NoteError as error:
        raise GroupError(str(error), error.errors) from error
    meeting = IndividualMeeting.objects.create(
        membership=membership, kind=kind, note=note, recorded_by=by
    )
    updates: dict[str, Any] = {}
    if kind == IndividualMeeting.Kind.PRE_GROUP and membership.status == Membership.Status.INVITED:
        updates["status"] = Membership.Status.PRE_GROUP_DONE
    if agreement_on and not membership.agreement_signed_at:
        updates["agreement_signed_at"] = agreement_on
    if updates:
        Membership.objects.filter(pk=membership.pk).update(**updates)
    return meeting


# --- booking the series -------------------------------------------------------------------


@dataclass
class Booked:
    sessions: list[GroupSession] = field(default_factory=list)
    appointments: int = 0
    conflicts: list[dt.datetime] = field(default_factory=list)
    skipped_days: list[dt.date] = field(default_factory=list)


@transaction.atomic
def book_series(
    group: TherapyGroup, *, by: Any, first: dt.date, at: dt.time, zone: str, minutes: int
) -> Booked:
    """The manual's sessions, weekly, as one appointment per member per session.

    The lead facilitator's time off is skipped (the course continues a week later);
    each member's appointment carries their episode as its context, so the measures
    engine sends that member's questionnaires before each session (§3.4), and the
    reminders and attendance of scheduling apply to each member alone.
    """
    if group.sessions.exists():
        raise GroupError(_("This group's sessions are already booked."))
    lead = group.facilitators.order_by("role", "pk").first().user
    members = list(active_members(group))
    if not members:
        raise GroupError(_("Add the members before booking the group's sessions."))
    occurrences, skipped, _closed = plan(
        therapist=lead,
        first=first,
        at=at,
        zone=zone,
        count=definition(group).planned_sessions,
        frequency="weekly",
        minutes=minutes,
    )
    result = Booked(skipped_days=skipped)
    series = {m.pk: _member_series(m, lead, by, first, at, zone, minutes) for m in members}
    for occurrence in occurrences:
        session = GroupSession.objects.create(
            group=group, number=occurrence.index, starts_at=occurrence.starts_at
        )
        result.sessions.append(session)
        for position, member in enumerate(members):
            fields = {
                "clinic": group.clinic,
                "therapist": lead,
                "client": member.episode.client,
                "starts_at": occurrence.starts_at,
                "ends_at": occurrence.ends_at,
                "kind": Appointment.Kind.SESSION,
                "context_id": member.episode.public_id,
                "series": series[member.pk],
                "series_index": occurrence.index,
            }
            if position == 0:
                # The first member's booking checks the lead's calendar is free.
                try:
                    book(by=by, **fields)
                except SlotTaken:
                    result.conflicts.append(occurrence.starts_at)
                    break
            else:
                # The others share that slot: the group occupies it once.
                fields.pop("clinic")
                appointment = Appointment.objects.create(clinic=group.clinic, **fields)
                signals.appointment_booked.send(sender=Appointment, appointment=appointment)
            result.appointments += 1
    if group.status == TherapyGroup.Status.FORMING:
        TherapyGroup.objects.filter(pk=group.pk).update(status=TherapyGroup.Status.PRE_GROUP)
    return result


def _member_series(
    member: Membership, lead: Any, by: Any, first: dt.date, at: dt.time, zone: str, minutes: int
) -> Series:
    from rapport.scheduling.timeutil import local_to_utc

    return Series.objects.create(
        client=member.episode.client,
        therapist=lead,
        context_id=member.episode.public_id,
        first_starts_at=local_to_utc(first, at, zone),
        local_time=at,
        time_zone=zone,
        interval_days=7,
        count=definition(member.group).planned_sessions,
        duration_minutes=minutes,
        created_by=by,
    )


# --- the group note -----------------------------------------------------------------------


@transaction.atomic
def start_note(session: GroupSession, author: Any) -> GroupSession:
    """Open the note: a draft shared part, and a draft part in each member's record."""
    if session.status != GroupSession.Status.PLANNED:
        return session
    group = session.group
    planned = definition(group).planned_sessions
    for member in active_members(group):
        note = notes.create_next_note(member.episode, author, timezone.localdate())
        phase = member.episode.phase_for_session(session.number, planned)
        SessionNote.objects.filter(pk=note.pk).update(phase=phase)
        MemberEntry.objects.create(session=session, membership=member, note=note)
    GroupSession.objects.filter(pk=session.pk).update(
        status=GroupSession.Status.DRAFT,
        author=author,
        held_on=timezone.localdate(),
        saved_at=timezone.now(),
    )
    if group.status != TherapyGroup.Status.ACTIVE:
        TherapyGroup.objects.filter(pk=group.pk).update(status=TherapyGroup.Status.ACTIVE)
    session.refresh_from_db()
    return session


def next_unnoted(group: TherapyGroup) -> GroupSession:
    """The first booked session without a note, or a new one after the last."""
    planned = group.sessions.filter(status=GroupSession.Status.PLANNED).order_by("number").first()
    if planned is not None:
        return planned
    last = group.sessions.aggregate(last=Max("number"))["last"] or 0
    return GroupSession.objects.create(group=group, number=last + 1)


def entries(session: GroupSession) -> list[MemberEntry]:
    return list(
        session.entries.select_related("membership__episode__client", "note").order_by(
            "membership__code"
        )
    )


def _differs(row: Any, values: dict[str, Any]) -> list[str]:
    return [name for name, value in values.items() if getattr(row, name) != value]


def differing(
    session: GroupSession,
    rows: list[MemberEntry],
    shared: dict[str, Any],
    members: dict[str, dict[str, Any]],
) -> list[str]:
    """Form field names whose value differs from what is stored."""
    changed = _differs(session, shared)
    for entry in rows:
        values = members.get(entry.membership.code, {})
        stored = {**values}
        attendance = stored.pop("attendance", entry.attendance)
        if attendance != entry.attendance:
            changed.append(f"{entry.membership.code}-attendance")
        changed += [f"{entry.membership.code}-{n}" for n in _differs(entry.note, stored)]
    return changed


@transaction.atomic
def save_draft(
    session: GroupSession,
    version: int | None,
    shared: dict[str, Any],
    members: dict[str, dict[str, Any]],
) -> list[str]:
    """Write the shared part and each member's part if ``version`` is current.

    The group note's version guards the whole note: a save based on an old version
    never overwrites what another facilitator saved since (Conflict, both texts kept).
    """
    if session.is_locked:
        raise notes.NoteLocked(notes.locked_message())
    rows = entries(session)
    # The member's note carries the group session's date.
    members = {code: {**part, "held_on": shared["held_on"]} for code, part in members.items()}
    changed = differing(session, rows, shared, members)
    if version != session.version:
        if not changed:
            return []
        raise Conflict(session, changed)
    if not changed:
        return []
    drafts = GroupSession.objects.filter(status=GroupSession.Status.DRAFT)
    shared_changed = {n: shared[n] for n in _differs(session, shared)}
    if not update_if_current(drafts, session, version, saved_at=timezone.now(), **shared_changed):
        current = GroupSession.objects.get(pk=session.pk)
        if current.is_locked:
            raise notes.NoteLocked(notes.locked_message())
        raise Conflict(current, differing(current, entries(current), shared, members))
    for entry in rows:
        _save_member(entry, members.get(entry.membership.code, {}))
    session.refresh_from_db()
    return changed


def _save_member(entry: MemberEntry, values: dict[str, Any]) -> None:
    values = {**values}
    attendance = values.pop("attendance", entry.attendance)
    if attendance != entry.attendance:
        MemberEntry.objects.filter(pk=entry.pk).update(attendance=attendance)
        entry.attendance = attendance
    values["attendance"] = ATTENDANCE_IN_RECORD[attendance]
    # Under the group's version (taken above) the member's note moves only with it.
    notes.save_draft(entry.note, entry.note.version, values)


def signing_problems(session: GroupSession, rows: list[MemberEntry]) -> dict[str, str]:
    """Each member's part must pass the individual note's rules (§1.5, safety.md §5.1)."""
    problems: dict[str, str] = {}
    if not session.held_on:
        problems["held_on"] = _("Give the date of the session.")
    for entry in rows:
        for name, message in notes.signing_problems(entry.note).items():
            problems[f"{entry.membership.code}-{name}"] = message
    return problems


@transaction.atomic
def sign(session: GroupSession, user: Any) -> GroupSession:
    """One act: the shared part and every member's part are signed together, or none."""
    if session.is_locked:
        raise notes.NoteLocked(notes.locked_message())
    rows = entries(session)
    problems = signing_problems(session, rows)
    if problems:
        raise GroupError(_("The group note cannot be signed yet."), problems)
    for entry in rows:
        notes.sign(entry.note, user)
    drafts = GroupSession.objects.filter(status=GroupSession.Status.DRAFT)
    if not update_if_current(
        drafts,
        session,
        session.version,
        status=GroupSession.Status.SIGNED,
        signed_at=timezone.now(),
        signed_by=user,
    ):
        raise Conflict(GroupSession.objects.get(pk=session.pk), [])
    attended = [e.membership_id for e in rows if e.attendance != MemberEntry.Attendance.ABSENT]
    Membership.objects.filter(pk__in=attended, status__in=_NOT_YET_ACTIVE).update(
        status=Membership.Status.ACTIVE
    )
    session.refresh_from_db()
    return session


_NOT_YET_ACTIVE = [Membership.Status.INVITED, Membership.Status.PRE_GROUP_DONE]


def add_shared_addendum(session: GroupSession, author: Any, reason: str, text: str) -> Any:
    if not session.is_locked:
        raise GroupError(_("This note is still a draft: edit it directly."))
    return GroupAddendum.objects.create(session=session, author=author, reason=reason, text=text)


def add_member_addendum(entry: MemberEntry, author: Any, reason: str, text: str) -> Addendum:
    """Filed on the member's own note, so it shows in the member's record."""
    try:
        return notes.add_addendum(entry.note, author, reason, text)
    except notes.NoteError as error:
        raise GroupError(str(error)) from error


# --- the group view -------------------------------------------------------------------------


def attendance_grid(group: TherapyGroup, members: list[Membership]) -> list[dict[str, Any]]:
    """Per member: attendance at each session with a note, and two absences in a row."""
    noted = group.sessions.exclude(status=GroupSession.Status.PLANNED)
    sessions = list(noted.only(*SESSION_LISTED).order_by("number"))
    marks = {
        (e["membership_id"], e["session_id"]): e["attendance"]
        for e in MemberEntry.objects.filter(session__group=group).values(
            "membership_id", "session_id", "attendance"
        )
    }
    rows = []
    for member in members:
        cells = [marks.get((member.pk, s.pk), "") for s in sessions]
        run = 0
        for mark in cells:
            run = run + 1 if mark == MemberEntry.Attendance.ABSENT else 0 if mark else run
        rows.append({"member": member, "cells": cells, "flag": run >= ABSENCES_FLAGGED})
    return rows
