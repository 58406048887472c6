"""Participants of an episode besides the client (variants.md §1: IPT-A parents first).

One page holds the people, the consent and assent records, and the confidentiality
agreement explained to the young person and the parents; a second page per session
records who attended and which parts. Names and contacts are decrypted here only,
so each read is audited.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.ipt import participants as service
from rapport.ipt import variants
from rapport.ipt.forms.participants import (
    AttendanceForm,
    ConfidentialityForm,
    ConsentForm,
    ParticipantForm,
    PortalLinkForm,
)
from rapport.ipt.models import (
    ConsentRecord,
    Episode,
    Participant,
    ParticipantAttendance,
    SessionNote,
)
from rapport.ipt.views.base import episode_context, get_episode
from rapport.ipt.views.notes import get_note

NOTES_SHOWN = 40  # sessions listed for attendance; a course has 8 to 20


@requires(Capability.VIEW_CLINICAL)
def participants(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, without_text=True)
    audit.record(request, "ipt.participants.viewed", episode)
    return _page(request, episode)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def participant_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL, without_text=True)
    form = ParticipantForm(request.POST, episode=episode)
    if not form.is_valid():
        return _page(request, episode, participant_form=form, status=400)
    person = form.save(commit=False)
    person.episode = episode
    person.added_by = request.user
    person.save()
    audit.record(request, "ipt.participant.added", episode, fields=form.changed_data)
    messages.success(request, _("%(name)s added to the episode.") % {"name": person.name})
    return redirect("ipt:participants", public_id=episode.public_id)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def participant_remove(
    request: HttpRequest, public_id: uuid.UUID, participant_id: uuid.UUID
) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL, without_text=True)
    person = get_object_or_404(Participant, episode=episode, public_id=participant_id)
    service.remove_participant(person, by=request.user)
    audit.record(request, "ipt.participant.removed", episode, fields=["removed_at"])
    messages.success(
        request, _("Participant removed. Their attendance and consents stay on record.")
    )
    return redirect("ipt:participants", public_id=episode.public_id)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def participant_portal(
    request: HttpRequest, public_id: uuid.UUID, participant_id: uuid.UUID
) -> HttpResponse:
    """Link a guardian's portal account to this person: the portal then reads what the
    therapist agreed to share with them from this record (docs/portal.md "guardian")."""
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL, without_text=True)
    person = get_object_or_404(Participant, episode=episode, public_id=participant_id)
    form = PortalLinkForm(request.POST, accounts=list(service.guardian_accounts(episode)))
    if not form.is_valid():
        messages.error(request, _("Choose one of this client's guardian portal accounts."))
        return redirect("ipt:participants", public_id=episode.public_id)
    service.link_portal_account(person, form.cleaned_data["portal_account"])
    audit.record(request, "ipt.participant.portal_linked", episode, fields=["portal_account"])
    messages.success(request, _("Portal link saved."))
    return redirect("ipt:participants", public_id=episode.public_id)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def consent_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL, without_text=True)
    form = ConsentForm(request.POST, episode=episode)
    if not form.is_valid():
        return _page(request, episode, consent_form=form, status=400)
    consent = form.save(commit=False)
    consent.episode = episode
    consent.recorded_by = request.user
    consent.save()
    audit.record(request, "ipt.consent.recorded", episode, fields=["kind", "signer", "given_on"])
    messages.success(request, _("%(kind)s recorded.") % {"kind": consent.get_kind_display()})
    return redirect("ipt:participants", public_id=episode.public_id)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def consent_withdraw(
    request: HttpRequest, public_id: uuid.UUID, consent_id: uuid.UUID
) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL, without_text=True)
    consent = get_object_or_404(
        ConsentRecord, episode=episode, public_id=consent_id, withdrawn_on__isnull=True
    )
    service.withdraw_consent(consent)
    audit.record(request, "ipt.consent.withdrawn", episode, fields=["withdrawn_on"])
    messages.success(request, _("Recorded as withdrawn today."))
    return redirect("ipt:participants", public_id=episode.public_id)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def confidentiality_record(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL, without_text=True)
    form = ConfidentialityForm(request.POST)
    if not form.is_valid():
        return _page(request, episode, confidentiality_form=form, status=400)
    agreement = form.save(commit=False)
    agreement.episode = episode
    agreement.recorded_by = request.user
    agreement.save()
    audit.record(request, "ipt.confidentiality.recorded", episode, fields=form.changed_data)
    messages.success(request, _("Confidentiality agreement recorded."))
    return redirect("ipt:participants", public_id=episode.public_id)


@requires(Capability.VIEW_CLINICAL)
def note_attendance(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Who of the participants attended this session, and which parts."""
    writing = request.method == "POST"
    capability = Capability.EDIT_CLINICAL if writing else Capability.VIEW_CLINICAL
    note = get_note(request, public_id, capability)
    episode = note.episode
    if writing and episode.status != Episode.Status.ACTIVE:
        raise PermissionDenied(_("This episode is closed: its record can no longer be changed."))
    rows = service.attendance_rows(note)
    form = AttendanceForm(request.POST if writing else None, note=note, rows=rows)
    if writing and form.is_valid():
        service.record_attendance(note, form.marks(), by=request.user)
        audit.record(
            request, "ipt.participant_attendance.updated", note, fields=["present", "segments"]
        )
        messages.success(request, _("Attendance recorded for session %(n)s.") % {"n": note.number})
        return redirect("ipt:participants", public_id=episode.public_id)
    if not writing:
        audit.record(request, "ipt.participant_attendance.viewed", note)
    context = episode_context(request, episode, "participants", note=note, form=form)
    return render(
        request,
        "ipt/participants/attendance.html",
        context,
        status=400 if writing else 200,
    )


def _page(
    request: HttpRequest, episode: Episode, *, status: int = 200, **forms: Any
) -> HttpResponse:
    people = list(episode.participants.all())
    accounts = list(service.guardian_accounts(episode))
    linked = {str(account.pk): str(account.public_id) for account in accounts}
    links = [
        PortalLinkForm(
            accounts=accounts,
            initial={"portal_account": linked.get(str(person.portal_account_id), "")},
            auto_id=f"id_{person.public_id}_%s",
        )
        for person in people
    ]
    consents = list(episode.consents.select_related("signer", "recorded_by"))
    notes = list(SessionNote.objects.filter(episode=episode).listed()[:NOTES_SHOWN])
    present = _present_by_note(notes)
    context = episode_context(
        request,
        episode,
        "participants",
        definition=variants.of(episode),
        people=people,
        people_links=list(zip(people, links, strict=True)),
        has_guardian_accounts=bool(accounts),
        consents=consents,
        agreement=service.current_agreement(episode),
        sessions=[(note, present.get(note.pk, [])) for note in notes],
        participant_form=forms.get("participant_form") or ParticipantForm(episode=episode),
        consent_form=forms.get("consent_form") or ConsentForm(episode=episode),
        confidentiality_form=forms.get("confidentiality_form") or ConfidentialityForm(),
    )
    return render(request, "ipt/participants/participants.html", context, status=status)


def _present_by_note(notes: list[SessionNote]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    rows = ParticipantAttendance.objects.filter(note__in=notes, present=True).select_related(
        "participant"
    )
    for row in rows:
        found.setdefault(row.note_id, []).append(row.participant.name)
    return found
