"""Long histories in a few INSERTs, for tests that prove a page's cost does not grow.

Every encrypted column is filled (and so really encrypted), so a page that loads
a row's clinical text shows up in the decrypt count.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from rapport.core.models import AuditEvent
from rapport.intake.models import ConsultationRequest
from rapport.ipt.models import SessionNote
from rapport.ipt.models.episodes import SessionAttendance
from rapport.measures import instruments
from rapport.measures.engine import band_for
from rapport.measures.models import Response
from rapport.scheduling.models import Appointment

START = datetime(2024, 1, 1, 9, tzinfo=UTC)
TEXT = "Clinical text that no list shows"


def signed_notes(episode: Any, count: int, first: int = 2) -> None:
    """Weekly signed notes ``first``… with every text field written."""
    SessionNote.objects.bulk_create(
        SessionNote(
            episode=episode,
            number=n,
            author=episode.therapist,
            held_on=date(2024, 1, 1) + timedelta(weeks=n),
            phase=episode.phase_for_session(n, None),
            attendance=SessionAttendance.ATTENDED,
            status=SessionNote.Status.SIGNED,
            signed_at=START + timedelta(weeks=n),
            signed_by=episode.therapist,
            symptom_review=TEXT,
            interval_events=TEXT,
            problem_area_work=TEXT,
            between_session_plan=TEXT,
        )
        for n in range(first, first + count)
    )


def past_appointments(client: Any, count: int) -> None:
    """``count`` attended weekly sessions with the client's therapist, oldest first."""
    Appointment.objects.bulk_create(
        Appointment(
            clinic_id=client.clinic_id,
            client=client,
            therapist=client.assigned_therapist,
            status=Appointment.Status.ATTENDED,
            starts_at=START + timedelta(weeks=n),
            ends_at=START + timedelta(weeks=n, minutes=50),
        )
        for n in range(count)
    )


def phq9_responses(client: Any, count: int) -> None:
    instrument = instruments.get("phq9")
    Response.objects.bulk_create(
        Response(
            clinic_id=client.clinic_id,
            client=client,
            subject_id=client.public_id,
            session_number=n,
            instrument="phq9",
            instrument_version=instrument.version,
            answers={},
            total=n % 28,
            band=band_for(instrument, n % 28),
            mode=Response.Mode.IN_SESSION,
            correction_reason=TEXT,
            submitted_at=START + timedelta(weeks=n),
        )
        for n in range(1, count + 1)
    )


def consultation_requests(clinic: Any, count: int) -> None:
    ConsultationRequest.objects.bulk_create(
        ConsultationRequest(
            clinic=clinic,
            name=f"Waiting Person{n}",
            age_group=ConsultationRequest.AgeGroup.ADULT,
            concern=TEXT,
            notes=TEXT,
            consent_to_contact=True,
        )
        for n in range(count)
    )


def audit_events(clinic: Any, actor: Any, count: int, subject: Any = None) -> None:
    AuditEvent.objects.bulk_create(
        AuditEvent(
            clinic=clinic,
            at=START + timedelta(minutes=n),
            actor=actor,
            action="clients.client.viewed",
            object_type="clients.client",
            object_id=str(subject.public_id) if subject else "",
            subject_id=subject.public_id if subject else None,
        )
        for n in range(count)
    )


def acknowledged_alerts(alert: Any, count: int) -> None:
    """``count`` copies of ``alert``, acknowledged weekly with a full risk assessment."""
    from rapport.measures.models import SafetyAlert

    SafetyAlert.objects.bulk_create(
        SafetyAlert(
            clinic_id=alert.clinic_id,
            client_id=alert.client_id,
            subject_id=alert.subject_id,
            response_id=alert.response_id,
            instrument=alert.instrument,
            item=alert.item,
            value=alert.value,
            severity=alert.severity,
            owner_id=alert.owner_id,
            status=SafetyAlert.Status.ACKNOWLEDGED,
            created_at=START + timedelta(weeks=n),
            acknowledged_at=START + timedelta(weeks=n, hours=1),
            acknowledged_by_id=alert.owner_id,
            ideation=TEXT,
            plan=TEXT,
            intent=TEXT,
            action_taken=TEXT,
        )
        for n in range(count)
    )
