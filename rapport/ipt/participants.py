"""Operations on an episode's participants, consents and confidentiality (variants.md §1)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.ipt.models import (
    ConfidentialityAgreement,
    ConsentRecord,
    Episode,
    Participant,
    ParticipantAttendance,
    SessionNote,
)


def current_agreement(episode: Episode) -> ConfidentialityAgreement | None:
    return episode.confidentiality_agreements.select_related("recorded_by").first()


def attendance_rows(note: SessionNote) -> list[dict[str, Any]]:
    """Each live participant with what is recorded for this session (absent if nothing)."""
    recorded = {row.participant_id: row for row in note.participant_attendance.all()}
    return [
        {"participant": person, "row": recorded.get(person.pk)}
        for person in note.episode.participants.all()
    ]


@transaction.atomic
def record_attendance(note: SessionNote, marks: dict[int, dict[str, bool]], *, by: Any) -> None:
    """Store who attended this session and which parts (segments) they joined."""
    for participant_id, values in marks.items():
        present = values["present"]
        ParticipantAttendance.objects.update_or_create(
            note=note,
            participant_id=participant_id,
            defaults={
                "present": present,
                "joint": present and values["joint"],
                "seen_alone": present and values["seen_alone"],
                "recorded_by": by,
            },
        )


def withdraw_consent(consent: ConsentRecord) -> None:
    consent.withdrawn_on = timezone.localdate()
    consent.save(update_fields=["withdrawn_on"])


def remove_participant(person: Participant, *, by: Any) -> None:
    person.remove(by)


def guardian_accounts(episode: Episode) -> Any:
    """The client's live guardian portal accounts, which a participant may be linked to."""
    from rapport.core.models import PortalRole
    from rapport.portal.models import PortalAccount

    return PortalAccount.objects.filter(
        client=episode.client_id, role=PortalRole.GUARDIAN, revoked_at__isnull=True
    ).order_by("invited_at", "pk")


def link_portal_account(person: Participant, account: Any) -> None:
    person.portal_account = account
    person.save(update_fields=["portal_account"])
