"""Booked IPT sessions bring their questionnaire invitations; cancelled ones withdraw them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import time_machine

from rapport.measures.models import Invitation
from rapport.scheduling import booking, changes
from rapport.scheduling.models import Appointment

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _book(cast: SimpleNamespace, starts_at: datetime, **extra: object) -> Appointment:
    fields = {
        "clinic": cast.clinic,
        "therapist": cast.therapist,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=50),
        "kind": Appointment.Kind.SESSION,
        "client": cast.client,
        "context_id": cast.episode.public_id,
        "by": cast.therapist,
    } | extra
    return booking.book(**fields)


def test_it_invites_the_client_a_day_before_each_session(cast: SimpleNamespace) -> None:
    with time_machine.travel(NOW, tick=False):
        first = _book(cast, NOW + timedelta(days=7))
        _book(cast, NOW + timedelta(days=14))
    invitations = list(Invitation.objects.filter(client=cast.client).order_by("send_at"))
    assert [i.send_at for i in invitations] == [
        first.starts_at - timedelta(hours=24),
        first.starts_at + timedelta(days=7) - timedelta(hours=24),
    ]
    assert [i.session_number for i in invitations] == [1, 2]
    assert set(invitations[0].instruments) == {"phq9", "gad7"}  # the adult default schedule


def test_consultations_and_clients_without_episodes_get_none(cast: SimpleNamespace) -> None:
    with time_machine.travel(NOW, tick=False):
        _book(cast, NOW + timedelta(days=3), kind=Appointment.Kind.CONSULTATION, context_id=None)
    assert not Invitation.objects.exists()


def test_cancelling_a_session_withdraws_its_invitation(cast: SimpleNamespace) -> None:
    with time_machine.travel(NOW, tick=False):
        appointment = _book(cast, NOW + timedelta(days=7))
        changes.cancel(appointment, by=cast.therapist, reason="client unwell")
    invitation = Invitation.objects.get(client=cast.client)
    assert invitation.status == Invitation.Status.CANCELLED


def test_no_invitation_without_an_active_therapist(cast: SimpleNamespace) -> None:
    cast.therapist.is_active = False
    cast.therapist.save(update_fields=["is_active"])
    with time_machine.travel(NOW, tick=False):
        _book(cast, NOW + timedelta(days=7))
    assert not Invitation.objects.exists()  # self-harm items need an active therapist


def test_a_session_already_past_gets_no_invitation(cast: SimpleNamespace) -> None:
    with time_machine.travel(NOW, tick=False):
        _book(cast, NOW - timedelta(days=1))
    assert not Invitation.objects.exists()
