"""Remote links: hashed single-use tokens, expiry, the worker sends each e-mail once, no PHI."""

from __future__ import annotations

import hashlib
import html
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from rapport.core import jobs
from rapport.core.models import AuditEvent, OutboundEmail
from rapport.measures import instruments, invitations
from rapport.measures.models import Invitation, MeasuresSettings
from tests.factories import csrf_post, make_client, make_staff, signed_in
from tests.measures.admin_helpers import schedule_invitation, send_and_read_token

NOW = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)


def test_it_stores_only_the_hash_of_the_token_it_sends(cast: SimpleNamespace) -> None:
    invitation = schedule_invitation(cast.client, cast.episode)
    token = send_and_read_token()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Invitation.objects.values().get(pk=invitation.pk))
    assert len(token) >= 43  # 32 random bytes, URL-safe
    assert invitations.find(token) == invitation


def test_it_sends_each_invitation_exactly_once_however_often_the_job_runs(
    cast: SimpleNamespace,
) -> None:
    schedule_invitation(cast.client, cast.episode)
    assert invitations.send_due_invitations("worker-a") == 1
    assert invitations.send_due_invitations("worker-a") == 0
    assert invitations.send_due_invitations("worker-b") == 0
    assert OutboundEmail.objects.count() == 1


def test_it_gives_an_invitation_to_one_of_two_concurrent_workers(cast: SimpleNamespace) -> None:
    invitation = schedule_invitation(cast.client, cast.episode)
    due = Invitation.objects.filter(status=Invitation.Status.SCHEDULED)
    assert jobs.claim(due, worker="a") == [invitation.pk]
    assert jobs.claim(due, worker="b") == []
    invitations._send_one(invitation.pk, "b")  # b never won it: sends nothing
    assert OutboundEmail.objects.count() == 0
    invitations._send_one(invitation.pk, "a")
    assert OutboundEmail.objects.count() == 1


def test_it_does_not_send_when_its_claim_lapsed_and_another_worker_sent(
    cast: SimpleNamespace,
) -> None:
    invitation = schedule_invitation(cast.client, cast.episode)
    due = Invitation.objects.filter(status=Invitation.Status.SCHEDULED)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        jobs.claim(due, worker="slow")
        traveller.shift(jobs.LEASE + timedelta(seconds=1))
        assert invitations.send_due_invitations("fast") == 1
        invitations._send_one(invitation.pk, "slow")
    assert OutboundEmail.objects.count() == 1


def test_it_waits_for_send_at(cast: SimpleNamespace) -> None:
    with time_machine.travel(NOW, tick=False) as traveller:
        schedule_invitation(cast.client, cast.episode, send_at=NOW + timedelta(hours=3))
        assert invitations.send_due_invitations("w") == 0
        traveller.shift(timedelta(hours=3))
        assert invitations.send_due_invitations("w") == 1


def test_it_puts_no_clinical_content_or_name_in_the_e_mail(cast: SimpleNamespace) -> None:
    schedule_invitation(cast.client, cast.episode)
    send_and_read_token()
    message = mail.outbox[0]
    parts = [message.subject, message.body, message.alternatives[0][0]]
    assert message.subject == "Your check-in before your next appointment"
    forbidden = [
        cast.client.given_name,
        cast.client.family_name,
        "PHQ",
        "GAD",
        "depress",
        "anxi",
        "suicid",
        cast.therapist.last_name,
    ]
    # The clinic's crisis lines are the same in every e-mail: they say nothing about this client.
    lines = [r["label"] for r in cast.clinic.crisis_resources]
    for part in parts:
        for line in lines:
            part = part.replace(line, "").replace(html.escape(line), "")
        for word in forbidden:
            assert word.lower() not in part.lower(), (word, part)
    assert message.to == [cast.client.email]


def test_it_names_the_clinic_s_zone_and_crisis_line_in_the_e_mail(cast: SimpleNamespace) -> None:
    cast.clinic.time_zone = "Europe/Berlin"
    cast.clinic.crisis_resources = [{"label": "Riverside crisis team", "contact": "0800 111"}]
    cast.clinic.save()
    MeasuresSettings.objects.update_or_create(
        clinic=cast.clinic, defaults={"invitation_valid_hours": 48}
    )
    with time_machine.travel(NOW, tick=False):
        schedule_invitation(cast.client, cast.episode)
        send_and_read_token()
    message = mail.outbox[0]
    for part in (message.body, message.alternatives[0][0]):
        # 09:00 UTC + 48 h is 11:00 in Berlin (CEST ends on 25 October).
        assert "until Wednesday 7 October 2026, 11:00 (Europe/Berlin)" in part
        assert "Riverside crisis team" in part
        assert "0800 111" in part
        assert "emergency number" not in part


def test_it_expires_links_after_the_clinic_s_hours(cast: SimpleNamespace) -> None:
    MeasuresSettings.objects.update_or_create(
        clinic=cast.clinic, defaults={"invitation_valid_hours": 48}
    )
    with time_machine.travel(NOW, tick=False) as traveller:
        invitation = schedule_invitation(cast.client, cast.episode)
        token = send_and_read_token()
        invitation.refresh_from_db()
        assert invitation.expires_at == NOW + timedelta(hours=48)
        assert invitations.state(invitations.find(token)) == "open"
        traveller.shift(timedelta(hours=48))
        assert invitations.state(invitations.find(token)) == "expired"


def test_it_refuses_self_harm_items_for_a_client_without_a_therapist(
    cast: SimpleNamespace,
) -> None:
    orphan = make_client(cast.clinic, None)
    with pytest.raises(invitations.InvitationRefused, match="no active assigned therapist"):
        invitations.create_invitation(orphan, due=[instruments.get("phq9")], send_at=timezone.now())
    assert not Invitation.objects.exists()


def test_it_refuses_self_harm_items_when_the_therapist_is_inactive(cast: SimpleNamespace) -> None:
    leaver = make_staff(cast.clinic, "leaver", "therapist")
    client = make_client(cast.clinic, leaver)
    leaver.is_active = False
    leaver.save()
    with pytest.raises(invitations.InvitationRefused):
        invitations.create_invitation(client, due=[instruments.get("phq9")], send_at=timezone.now())
    # Without self-harm items the link may go (GAD-7 asks nothing about self-harm).
    assert invitations.create_invitation(
        client, due=[instruments.get("gad7")], send_at=timezone.now()
    )


def test_it_cancels_at_send_time_when_the_therapist_has_left(cast: SimpleNamespace) -> None:
    invitation = schedule_invitation(cast.client, cast.episode)
    cast.therapist.is_active = False
    cast.therapist.save()
    assert invitations.send_due_invitations("w") == 1
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.CANCELLED
    assert not OutboundEmail.objects.exists()
    assert AuditEvent.objects.filter(action="measures.invitation.cancelled").exists()


def test_it_creates_an_invitation_from_the_episode_page(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    response = csrf_post(
        http,
        reverse("ipt:measures_invite", args=[cast.episode.public_id]),
        {"when": "now", "session_number": 2, "hours_before": 24},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.instruments == ["phq9", "gad7"]
    assert invitation.session_number == 2
    assert invitation.context_id == cast.episode.public_id
    event = AuditEvent.objects.get(action="measures.invitation.created")
    assert event.actor == cast.therapist
    page = http.get(reverse("ipt:measures", args=[cast.episode.public_id])).content.decode()
    assert "Questionnaire link on its way" in page  # "now" is not reported as scheduled
    assert "scheduled" not in page.lower().split("questionnaire link")[1][:40]


def test_it_schedules_the_link_hours_before_the_session(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    with time_machine.travel(NOW, tick=False):
        csrf_post(
            http,
            reverse("ipt:measures_invite", args=[cast.episode.public_id]),
            {
                "when": "before",
                "session_number": 2,
                "session_at": "2026-10-08T14:00",  # clinic time (America/New_York, EDT)
                "hours_before": 24,
            },
        )
        page = http.get(reverse("ipt:measures", args=[cast.episode.public_id])).content.decode()
    invitation = Invitation.objects.get()
    assert invitation.send_at == datetime(2026, 10, 7, 18, 0, tzinfo=UTC)
    assert (
        "Questionnaire link scheduled: the e-mail goes out on Wednesday 7 October 2026, "
        "14:00 (America/New_York)." in page
    )


def test_it_explains_a_refusal_on_the_page_and_creates_nothing(cast: SimpleNamespace) -> None:
    cast.client.email = ""
    cast.client.save()
    http = signed_in(cast.therapist)
    response = csrf_post(
        http,
        reverse("ipt:measures_invite", args=[cast.episode.public_id]),
        {"when": "before", "session_number": 2, "hours_before": 24},
    )
    assert response.status_code == 400
    assert b"Give the date and time of the session" in response.content
    response = csrf_post(
        http,
        reverse("ipt:measures_invite", args=[cast.episode.public_id]),
        {"when": "now", "session_number": 2, "hours_before": 24},
    )
    assert response.status_code == 400
    assert b"no e-mail address" in response.content
    assert not Invitation.objects.exists()
