"""Session notes across rows: numbering, drafts, signing, co-signature, addenda (§1.5).

Every write to a draft is an optimistic, versioned UPDATE (core.versioning): a
save based on an old version never overwrites what someone else saved since; it
raises ``Conflict`` carrying both texts instead (DESIGN.md "Nothing typed is lost").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.core.fields import sealed
from rapport.core.models import Supervision
from rapport.core.versioning import update_if_current
from rapport.ipt import catalogue, note_measures, services, variants
from rapport.ipt.catalogue import Phase
from rapport.ipt.models import (
    Addendum,
    CosignReview,
    Episode,
    FidelityRating,
    ProcessNote,
    SessionNote,
)
from rapport.ipt.models.episodes import SessionAttendance
from rapport.measures import alert_sources, instruments, safety_plans
from rapport.measures.models import SafetyAlert
from rapport.measures.safety_plans import Person

# What a draft's editor may change; everything else (status, signatures) moves by rule.
NOTE_FIELDS = (
    "held_on",
    "attendance",
    "mood_rating",
    "symptom_review",
    "suicidality",
    "suicidality_detail",
    "interval_events",
    "problem_area_work",
    "techniques",
    "dispute_stage",
    "between_session_plan",
    "session_format",
    "open_alerts_reason",
)
AT_RISK = {SessionNote.Suicidality.PASSIVE, SessionNote.Suicidality.ACTIVE}


class NoteError(Exception):
    """A clinical rule refuses the operation; ``errors`` maps fields to messages."""

    def __init__(self, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {}


class NoteLocked(NoteError):
    """The note is signed (or awaiting co-signature): changes go into an addendum."""


@dataclass
class Conflict(Exception):
    """Someone saved since the editor's version: both texts, field by field."""

    current: Any
    fields: list[str] = field(default_factory=list)


def locked_message() -> str:
    return _("This note is signed and can no longer be edited. Add an addendum instead.")


# --- creating ---------------------------------------------------------------------------


def create_next_note(episode: Episode, author: Any, held_on: date | None = None) -> SessionNote:
    """The next session's note: numbered after the last one, its phase snapshotted (§1.2).

    The phase follows the sessions *held* (cancelled and missed ones do not use up the
    contract), the same count the episode header and ``Episode.current_phase`` use.
    """
    if episode.status == Episode.Status.CLOSED:
        raise NoteError(_("This episode is closed; no new session notes can be written."))
    _check_required_participant(episode)
    for _attempt in range(3):  # two tabs creating at once: the unique constraint decides
        try:
            with transaction.atomic():
                return _create(episode, author, held_on or timezone.localdate())
        except IntegrityError:
            continue
    raise NoteError(_("Another note was being created at the same time. Please try again."))


def _check_required_participant(episode: Episode) -> None:
    """variants.md §2.4: a manual that needs a participating parent has one before session 1."""
    role = variants.of(episode).required_role
    if not role or episode.notes.exists() or episode.participants.filter(role=role).exists():
        return
    label = variants.ParticipantRole(role).label
    raise NoteError(
        _(
            "This manual needs a participant (%(role)s) on the episode before the first "
            "session: add them under Participants, consent and confidentiality."
        )
        % {"role": str(label).lower()}
    )


def _create(episode: Episode, author: Any, held_on: date) -> SessionNote:
    last = episode.notes.aggregate(last=Max("number"))["last"] or 0
    phase = episode.current_phase()
    if phase == Phase.TERMINATION:
        services.ensure_termination_tasks(episode)  # §1.7 checklist appears with the phase
    return SessionNote.objects.create(
        episode=episode,
        author=author,
        number=last + 1,
        held_on=held_on,
        phase=phase,
        suicidality_detail=_open_alerts_summary(episode),
    )


def _open_alert_line(alert: SafetyAlert) -> str:
    facts = {
        "day": timezone.localtime(alert.created_at).date().isoformat(),
        "severity": alert.severity,
    }
    if not alert_sources.is_questionnaire(alert):  # practice or a message: no item number
        facts["what"] = alert_sources.summary(alert)
        return _("Open safety alert: %(what)s, %(day)s (%(severity)s).") % facts
    facts |= {
        "instrument": instruments.get(alert.instrument).short_title,
        "item": alert.item.lstrip("q"),
        "value": alert.value,
    }
    return (
        _("Open safety alert: %(instrument)s item %(item)s = %(value)d, %(day)s (%(severity)s).")
        % facts
    )


def _open_alerts_summary(episode: Episode) -> str:
    """safety.md §5.1 step 5: the next note's risk section starts from the open alerts
    and the current safety plan (where it stands, not its text: that stays on its page)."""
    alerts = open_alerts(episode.client).order_by("created_at")
    lines = [_open_alert_line(alert) for alert in alerts]
    plan = safety_plans.current(Person.of_client(episode.client))
    if plan is not None:
        facts = {
            "version": plan.version,
            "change": plan.get_change_display().lower(),
            "day": timezone.localtime(plan.created_at).date().isoformat(),
        }
        lines.append(_("Safety plan: version %(version)s, %(change)s on %(day)s.") % facts)
        if not safety_plans.is_recent(plan):
            lines.append(_("The safety plan is more than 7 days old: review it with the client."))
    elif lines:
        lines.append(_("No safety plan yet: make one with the client."))
    return "\n".join(lines)


def open_alerts(client: Any) -> Any:
    """The client's open safety alerts (callers reach the client through the access layer)."""
    return SafetyAlert.objects.filter(client=client, status=SafetyAlert.Status.OPEN)


def assessment_from_note(suicidality: str, detail: str) -> dict[str, str]:
    """The note's risk section as the start of an acknowledgement: nothing typed twice."""
    label = SessionNote.Suicidality(suicidality).label if suicidality else ""
    parts = [f"{label}." if label else "", detail.strip()]
    return {"ideation": "\n".join(part for part in parts if part)}


# --- drafts -----------------------------------------------------------------------------


def differing(note: SessionNote, values: dict[str, Any]) -> list[str]:
    return [name for name, value in values.items() if getattr(note, name) != value]


def save_draft(note: SessionNote, version: int | None, values: dict[str, Any]) -> list[str]:
    """Write ``values`` if ``version`` is current; return the names of changed fields.

    Raises NoteLocked for a signed note, Conflict when someone saved since ``version``.
    """
    if note.is_locked:
        raise NoteLocked(locked_message())
    changed = differing(note, values)
    if version != note.version:
        if not changed:  # the same text reached the server twice (e.g. a retried save)
            return []
        raise Conflict(note, changed)
    if not changed:
        return []
    updates = {name: values[name] for name in changed}
    drafts = SessionNote.objects.filter(status=SessionNote.Status.DRAFT)
    if not update_if_current(drafts, note, version, saved_at=timezone.now(), **updates):
        current = SessionNote.objects.get(pk=note.pk)
        if current.is_locked:
            raise NoteLocked(locked_message())
        raise Conflict(current, differing(current, values))
    for name, value in updates.items():
        setattr(note, name, value)
    note.refresh_from_db(fields=["version", "saved_at"])
    return changed


# --- signing ----------------------------------------------------------------------------


def signing_problems(note: SessionNote) -> dict[str, str]:
    """What must be recorded before a note can be signed (§1.5: suicidality every session;
    safety.md §5.1: one risk record, so an open alert is never signed past in silence)."""
    problems: dict[str, str] = {}
    if note.attendance == SessionAttendance.ATTENDED:
        if not note.suicidality:
            problems["suicidality"] = _("Record the suicidality check before signing.")
        elif note.suicidality in AT_RISK and not note.suicidality_detail.strip():
            problems["suicidality_detail"] = _(
                "Describe the risk and what was done about it: the check found thoughts of "
                "self-harm."
            )
    # Whenever the client has an open alert, not only when this note records thoughts of
    # self-harm: a "no thoughts" answer today never closes an alert (safety.md §5.1: no
    # auto-closing by a later negative screen, and a negative answer is not "no risk"),
    # and a missed session is exactly when an open alert could slip by unseen. So every
    # note signed while an alert is open either acknowledges it with a risk assessment
    # (from the note or the alert's page) or says why it stays open.
    if not note.open_alerts_reason.strip() and open_alerts(note.episode.client).exists():
        problems["open_alerts_reason"] = _(
            "This client has an open safety alert. Acknowledge it from this note with your "
            "risk assessment and safety plan, or say here why it stays open."
        )
    return problems


def needs_cosignature(author: Any) -> bool:
    """A trainee: supervised by someone who co-signs their notes."""
    return Supervision.objects.filter(supervisee=author, cosigns_notes=True).exists()


def sign(note: SessionNote, user: Any) -> SessionNote:
    """Lock the note; a trainee's note waits for the supervisor's co-signature."""
    if note.is_locked:
        raise NoteLocked(locked_message())
    problems = signing_problems(note)
    if problems:
        raise NoteError(_("The note cannot be signed yet."), problems)
    status = (
        SessionNote.Status.AWAITING_COSIGN
        if needs_cosignature(note.author)
        else SessionNote.Status.SIGNED
    )
    # Issue 8: what the measures slot shows now is kept with the signature, written in
    # the same UPDATE; the note shows this copy from now on (note_measures.for_note).
    snapshot = note_measures.snapshot(note)
    now = timezone.now()
    drafts = SessionNote.objects.filter(status=SessionNote.Status.DRAFT)
    if not update_if_current(
        drafts,
        note,
        note.version,
        status=status,
        signed_at=now,
        signed_by=user,
        signed_snapshot=snapshot,
    ):
        current = SessionNote.objects.get(pk=note.pk)
        if current.is_locked:
            raise NoteLocked(locked_message())
        raise Conflict(current, [])
    note.refresh_from_db()
    return note


def cosigner_links(supervisor: Any) -> Any:
    return Supervision.objects.filter(supervisor=supervisor, cosigns_notes=True)


def may_review(note: SessionNote, supervisor: Any) -> bool:
    return (
        note.status == SessionNote.Status.AWAITING_COSIGN
        and cosigner_links(supervisor).filter(supervisee_id=note.author_id).exists()
    )


@transaction.atomic
def cosign(note: SessionNote, supervisor: Any, comment: str = "") -> SessionNote:
    awaiting = SessionNote.objects.filter(status=SessionNote.Status.AWAITING_COSIGN)
    if not update_if_current(
        awaiting,
        note,
        note.version,
        status=SessionNote.Status.SIGNED,
        cosigned_at=timezone.now(),
        cosigned_by=supervisor,
    ):
        raise NoteError(_("This note is no longer waiting for your co-signature."))
    CosignReview.objects.create(
        note=note, supervisor=supervisor, decision=CosignReview.Decision.COSIGNED, comment=comment
    )
    note.refresh_from_db()
    return note


@transaction.atomic
def return_to_author(note: SessionNote, supervisor: Any, comment: str) -> SessionNote:
    """Back to draft for the trainee, who sees the comment on the note."""
    if not comment.strip():
        raise NoteError(
            _("Say what the trainee should change."), {"comment": _("Write your comments.")}
        )
    awaiting = SessionNote.objects.filter(status=SessionNote.Status.AWAITING_COSIGN)
    if not update_if_current(
        awaiting,
        note,
        note.version,
        status=SessionNote.Status.DRAFT,
        signed_at=None,
        signed_by=None,
        signed_snapshot="",  # a draft again: live data until the trainee signs anew
    ):
        raise NoteError(_("This note is no longer waiting for your co-signature."))
    CosignReview.objects.create(
        note=note, supervisor=supervisor, decision=CosignReview.Decision.RETURNED, comment=comment
    )
    note.refresh_from_db()
    return note


def add_addendum(note: SessionNote, author: Any, reason: str, text: str) -> Addendum:
    """A dated change to a locked note; the original stays as it was signed."""
    if not note.is_locked:
        raise NoteError(_("This note is still a draft: edit it directly."))
    return Addendum.objects.create(note=note, author=author, reason=reason, text=text)


# --- process notes ----------------------------------------------------------------------


def save_process_note(
    note: SessionNote, author: Any, version: int | None, text: str
) -> tuple[ProcessNote, bool]:
    """Create or update the author's own process note; (row, changed). Conflict if stale."""
    existing = ProcessNote.objects.authored_by(author).filter(note=note).first()
    if existing is None:
        try:
            with transaction.atomic():
                return ProcessNote.objects.create(note=note, author=author, text=text), True
        except IntegrityError:
            existing = ProcessNote.objects.authored_by(author).get(note=note)
    if existing.text == text:
        return existing, False
    if version != existing.version or not update_if_current(
        ProcessNote.objects.authored_by(author), existing, version, text=text
    ):
        raise Conflict(ProcessNote.objects.get(pk=existing.pk), ["text"])
    existing.refresh_from_db()
    return existing, True


# --- fidelity (issue item 8) ----------------------------------------------------------


def save_fidelity(note: SessionNote, values: dict[str, Any]) -> list[str]:
    rating = FidelityRating.objects.filter(note=note).first()
    if rating is None:
        FidelityRating.objects.create(note=note, **values)
        return sorted(values)
    changed = [name for name, value in values.items() if getattr(rating, name) != value]
    if changed:
        FidelityRating.objects.filter(pk=rating.pk).update(
            **sealed(rating, **{n: values[n] for n in changed})
        )
    return changed


@dataclass
class Adherence:
    """An episode's self-rated fidelity, for the therapist and the supervisor."""

    rated: int = 0
    held: int = 0
    in_phase: Counter = field(default_factory=Counter)
    on_focus: Counter = field(default_factory=Counter)
    techniques: list[tuple[str, int]] = field(default_factory=list)

    def percent(self, counter: Counter, extent: str) -> int | None:
        return round(100 * counter[extent] / self.rated) if self.rated else None

    @property
    def in_phase_yes(self) -> int | None:
        return self.percent(self.in_phase, FidelityRating.Extent.YES)

    @property
    def in_phase_partly(self) -> int | None:
        return self.percent(self.in_phase, FidelityRating.Extent.PARTLY)

    @property
    def on_focus_yes(self) -> int | None:
        return self.percent(self.on_focus, FidelityRating.Extent.YES)

    @property
    def on_focus_partly(self) -> int | None:
        return self.percent(self.on_focus, FidelityRating.Extent.PARTLY)


def adherence(counts: dict[str, int | None]) -> Adherence:
    """The summary from ``SessionNoteQuerySet.course_counts`` (no queries of its own)."""
    summary = Adherence(rated=counts["rated"] or 0, held=counts["held"] or 0)
    for extent in FidelityRating.Extent:
        summary.in_phase[extent.value] = counts[f"in_phase_{extent.value}"] or 0
        summary.on_focus[extent.value] = counts[f"on_focus_{extent.value}"] or 0
    # Catalogue order (§1.5), so the table reads the same for every episode.
    summary.techniques = [
        (str(technique.label), used)
        for technique in catalogue.Technique
        if (used := counts[f"technique_{technique.value}"])
    ]
    return summary
