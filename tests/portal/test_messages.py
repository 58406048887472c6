"""Secure messages between a client and their therapist (issue 11 item 8)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.core.models import AuditEvent, OutboundEmail
from rapport.measures.models import SafetyAlert
from rapport.portal import messaging
from rapport.portal.models import Message, PortalSettings
from tests.factories import csrf_post, make_portal_account, portal_signed_in, signed_in
from tests.portal.practice_helpers import client_session, raw_column

TEXT = "Could we talk about my mother next time? It has been a hard week."


def messages_on(cast, on: bool = True) -> None:
    PortalSettings.objects.update_or_create(clinic=cast.clinic, defaults={"messages_enabled": on})


def test_messages_are_off_by_default_and_absent_everywhere(cast) -> None:
    _account, http = client_session(cast)
    assert http.get(reverse("portal:messages")).status_code == 404
    assert reverse("portal:messages") not in http.get(reverse("portal:home")).content.decode()
    staff = signed_in(cast.therapist)
    assert (
        staff.get(reverse("portal:care_messages", args=[cast.client.public_id])).status_code == 404
    )


def test_a_client_sends_a_message_encrypted_audited_and_announced_without_its_text(cast) -> None:
    messages_on(cast)
    _account, http = client_session(cast)
    page = http.get(reverse("portal:messages")).content.decode()
    assert "not monitored around the clock" in page
    assert cast.clinic.crisis_resources[0]["contact"] in page
    answer = csrf_post(http, reverse("portal:messages"), {"body": TEXT})
    message = Message.objects.get()
    assert answer["Location"] == reverse("portal:message_sent", args=[message.public_id])
    assert message.body == TEXT
    assert "mother" not in raw_column("portal_message", "body", message.public_id)
    assert AuditEvent.objects.filter(action="portal.message.sent").exists()
    email = OutboundEmail.objects.get()
    assert email.recipient == cast.therapist.email
    for part in (email.subject, email.text_body, email.html_body):
        assert "mother" not in part
        assert cast.client.given_name not in part
    sent = http.get(answer["Location"]).content.decode()
    assert "not monitored around the clock" in sent
    assert "help is available right now" not in sent
    assert not SafetyAlert.objects.exists()


def test_an_empty_message_is_refused_and_nothing_is_sent(cast) -> None:
    messages_on(cast)
    _account, http = client_session(cast)
    page = csrf_post(http, reverse("portal:messages"), {"body": "   "})
    assert page.status_code == 200
    assert "Write your message before sending it." in page.content.decode()
    assert not Message.objects.exists()


def test_a_risk_phrase_shows_crisis_resources_and_raises_an_alert(cast) -> None:
    messages_on(cast)
    _account, http = client_session(cast)
    answer = csrf_post(http, reverse("portal:messages"), {"body": "I keep thinking about Suicide."})
    sent = http.get(answer["Location"]).content.decode()
    assert "help is available right now" in sent
    alert = SafetyAlert.objects.get()
    message = Message.objects.get()
    assert (alert.source, alert.source_id, alert.item) == (
        "message",
        message.public_id,
        "risk_phrase",
    )
    assert alert.owner == cast.therapist
    alert_email = OutboundEmail.objects.filter(text_body__isnull=False).order_by("pk")
    assert all("Suicide" not in row.text_body for row in alert_email)
    page = signed_in(cast.therapist).get(reverse("measures:alert", args=[alert.public_id]))
    text = page.content.decode()
    assert "risk-phrase list in a secure message" in text
    assert reverse("portal:care_messages", args=[cast.client.public_id]) in text
    assert "thinking about" not in text


def test_the_therapist_reads_and_replies_and_the_unread_count_follows(cast) -> None:
    messages_on(cast)
    account, _http = client_session(cast)
    messaging.send_from_client(account, TEXT)
    staff = signed_in(cast.therapist)
    record = staff.get(reverse("clients:clinical", args=[cast.client.public_id])).content.decode()
    assert "<strong>1 unread message</strong>" in record
    url = reverse("portal:care_messages", args=[cast.client.public_id])
    page = staff.get(url).content.decode()
    assert TEXT in page
    assert Message.objects.get().read_at is not None
    assert AuditEvent.objects.filter(action="portal.messages.viewed").exists()
    OutboundEmail.objects.all().delete()
    answer = csrf_post(staff, url, {"body": "Yes, let's start with that."})
    assert answer.status_code == 302
    reply = Message.objects.get(sender=Message.Sender.CARE_TEAM)
    assert reply.author == cast.therapist
    email = OutboundEmail.objects.get()
    assert email.recipient == account.email
    assert "start with that" not in email.text_body


def test_the_navigation_counts_unread_messages_for_the_therapist_only(cast) -> None:
    messages_on(cast)
    account, _http = client_session(cast)
    messaging.send_from_client(account, TEXT)
    dashboard = signed_in(cast.therapist).get(reverse("core:dashboard")).content.decode()
    assert "1 unread message" in dashboard
    colleague = signed_in(cast.colleague).get(reverse("core:dashboard")).content.decode()
    assert "unread message" not in colleague


def test_only_the_assigned_therapist_reads_the_thread(cast) -> None:
    messages_on(cast)
    url = reverse("portal:care_messages", args=[cast.client.public_id])
    assert signed_in(cast.intake).get(url).status_code == 403
    assert signed_in(cast.supervisor).get(url).status_code == 403
    assert signed_in(cast.colleague).get(url).status_code == 404


def test_a_guardian_never_sees_the_messages(cast) -> None:
    messages_on(cast)
    account, _http = client_session(cast)
    message = messaging.send_from_client(account, TEXT).message
    guardian = portal_signed_in(make_portal_account(cast.client, role="guardian"))
    assert guardian.get(reverse("portal:messages")).status_code == 403
    sent = reverse("portal:message_sent", args=[message.public_id])
    assert guardian.get(sent).status_code == 403


def test_another_client_sees_only_their_own_thread(cast) -> None:
    messages_on(cast)
    account, _http = client_session(cast)
    message = messaging.send_from_client(account, TEXT).message
    other = portal_signed_in(make_portal_account(cast.colleague_client))
    assert TEXT not in other.get(reverse("portal:messages")).content.decode()
    sent = reverse("portal:message_sent", args=[message.public_id])
    assert other.get(sent).status_code == 404


def test_the_client_reads_the_reply_and_it_is_marked_read(cast) -> None:
    messages_on(cast)
    _account, http = client_session(cast)
    reply = messaging.send_from_care_team(cast.client, cast.therapist, "See you Tuesday.")
    assert "See you Tuesday." in http.get(reverse("portal:messages")).content.decode()
    reply.refresh_from_db()
    assert reply.read_at is not None


def test_the_thread_is_paged_at_a_constant_cost(cast) -> None:
    messages_on(cast)
    account, http = client_session(cast)
    for n in range(5):
        messaging.send_from_client(account, f"message {n}")
    http.get(reverse("portal:messages"))
    with CaptureQueriesContext(connection) as few:
        http.get(reverse("portal:messages"))
    for n in range(40):
        messaging.send_from_client(account, f"more {n}")
    with CaptureQueriesContext(connection) as many:
        page = http.get(reverse("portal:messages"))
    assert len(many) == len(few)
    assert "Page 1 of 3" in page.content.decode()


def test_the_clinic_turns_messages_on_from_the_settings_page(cast) -> None:
    admin = signed_in(cast.admin)
    url = reverse("core:clinic_settings")
    page = admin.get(url).content.decode()
    assert "Secure messages are off" in page
    csrf_post(admin, url, {"section": "portal_messages", "portal-messages_enabled": "on"})
    assert PortalSettings.objects.get(clinic=cast.clinic).messages_enabled
    assert AuditEvent.objects.filter(action="portal.settings.updated").exists()
