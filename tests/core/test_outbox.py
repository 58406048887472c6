"""The outbox: queued in the transaction, sent by the worker, retried, then given up."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from pytest_django.fixtures import Settings

from rapport.core.models import OutboundEmail
from rapport.core.outbox import queue_email, send_due_emails
from tests.factories import make_clinic

TEMPLATE = "core/emails/two_factor_enabled"
START = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)
SUBJECT = "Two-step sign-in is now on for your Rapport account"


@pytest.fixture
def refused_smtp(settings: Settings) -> Iterator[int]:
    """Django's real SMTP backend aimed at a port that refuses connections."""
    # Bound but never listening: connecting is refused, and nothing else can take the port.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = sock.getsockname()[1]
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 2
        yield settings.EMAIL_PORT


def test_it_sends_a_due_email_with_text_and_html_parts(
    db: None, mailoutbox: list[EmailMultiAlternatives]
) -> None:
    row = queue_email(TEMPLATE, to="pat@example.com")
    assert send_due_emails("w1") == 1
    [message] = mailoutbox
    assert message.to == ["pat@example.com"]
    assert "Two-step sign-in was just turned on" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "<p>" in html
    assert "Two-step sign-in was just turned on" in html
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (OutboundEmail.Status.SENT, 1, "")
    assert row.sent_at is not None


def test_it_sends_in_the_clinic_s_name_from_the_configured_address(
    db: None, mailoutbox: list[EmailMultiAlternatives], settings: Settings
) -> None:
    settings.DEFAULT_FROM_EMAIL = "Rapport <appointments@example.org>"
    queue_email(TEMPLATE, to="pat@example.com", clinic=make_clinic("Riverside IPT, Leeds"))
    queue_email(TEMPLATE, to="staff@example.com")  # no clinic: the configured name
    send_due_emails("w1")
    senders = {message.to[0]: message.from_email for message in mailoutbox}
    assert senders == {
        "pat@example.com": '"Riverside IPT, Leeds" <appointments@example.org>',
        "staff@example.com": "Rapport <appointments@example.org>",
    }


def test_it_keeps_personal_data_out_of_the_subject(
    db: None, mailoutbox: list[EmailMultiAlternatives]
) -> None:
    # Subjects are stored and shown in clear: context must never reach them.
    context = {"name": "Dana Whitfield", "email": "dana.whitfield@example.com"}
    queue_email(TEMPLATE, to="dana.whitfield@example.com", context=context)
    send_due_emails("w1")
    [message] = mailoutbox
    assert message.subject == SUBJECT
    assert OutboundEmail.objects.get().subject == SUBJECT
    for personal in ("Dana", "Whitfield", "@"):
        assert personal not in message.subject


def test_it_stores_the_recipient_and_bodies_encrypted(db: None) -> None:
    row = queue_email(TEMPLATE, to="pat@example.com")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT recipient, text_body, html_body FROM core_outboundemail WHERE id = %s",
            [row.pk],
        )
        raw = cursor.fetchone()
    assert all(value.startswith("enc1:") for value in raw)
    assert "pat@example.com" not in raw[0]
    assert not any("Two-step" in value for value in raw[1:])


def test_it_never_sends_an_email_whose_transaction_rolled_back(
    db: None, mailoutbox: list[EmailMultiAlternatives]
) -> None:
    def change_that_fails() -> None:
        with transaction.atomic():
            queue_email(TEMPLATE, to="pat@example.com")
            raise RuntimeError("the change that queued it failed")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert send_due_emails("w1") == 0
    assert mailoutbox == []


def test_it_leaves_an_email_that_is_not_yet_due(
    db: None, mailoutbox: list[EmailMultiAlternatives]
) -> None:
    row = queue_email(TEMPLATE, to="pat@example.com")
    OutboundEmail.objects.filter(pk=row.pk).update(due_at=row.due_at + timedelta(minutes=5))
    assert send_due_emails("w1") == 0
    assert mailoutbox == []


@pytest.mark.usefixtures("refused_smtp")
def test_it_reschedules_a_failed_send_recording_only_the_error_class(db: None) -> None:
    with time_machine.travel(START, tick=False):
        row = queue_email(TEMPLATE, to="pat@example.com")
        assert send_due_emails("w1") == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboundEmail.Status.PENDING, 1)
    assert row.due_at > START
    assert (row.claimed_by, row.claimed_until) == ("", None)  # free for any worker
    # The class name alone: no address, host or message text.
    assert row.last_error == "ConnectionRefusedError"

    with time_machine.travel(row.due_at - timedelta(seconds=1), tick=False):
        assert send_due_emails("w1") == 0  # not retried before it is due
    row.refresh_from_db()
    assert row.attempts == 1


@pytest.mark.usefixtures("refused_smtp")
def test_it_gives_up_after_the_maximum_attempts(db: None, settings: Settings) -> None:
    settings.RAPPORT_EMAIL_MAX_ATTEMPTS = 3
    with time_machine.travel(START, tick=False) as traveller:
        row = queue_email(TEMPLATE, to="pat@example.com")
        delays = []
        for attempt in range(1, 4):
            attempted_at = START if attempt == 1 else row.due_at + timedelta(seconds=1)
            traveller.move_to(attempted_at)
            assert send_due_emails("w1") == 1
            row.refresh_from_db()
            assert row.attempts == attempt
            delays.append(row.due_at - attempted_at)
            expected = OutboundEmail.Status.FAILED if attempt == 3 else OutboundEmail.Status.PENDING
            assert row.status == expected
        # Backing off: each wait longer than the one before.
        assert delays == sorted(set(delays))
        traveller.shift(timedelta(days=30))
        assert send_due_emails("w1") == 0  # a failed e-mail stays failed
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboundEmail.Status.FAILED, 3)


@pytest.mark.parametrize(
    "poison",
    [
        pytest.param("header", id="header-injection"),
        pytest.param("ciphertext", id="unreadable-row"),
    ],
)
def test_it_sends_the_rest_of_the_batch_past_a_bad_row(
    db: None, mailoutbox: list[EmailMultiAlternatives], poison: str
) -> None:
    first = queue_email(TEMPLATE, to="first@example.com")
    bad = queue_email(TEMPLATE, to="bad@example.com\nBcc: spy@example.com")
    last = queue_email(TEMPLATE, to="last@example.com")
    if poison == "ciphertext":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE core_outboundemail SET recipient = %s WHERE id = %s",
                ["enc1:t1:AAAA", bad.pk],
            )
    assert send_due_emails("w1") == 3
    assert sorted(m.to[0] for m in mailoutbox) == ["first@example.com", "last@example.com"]
    statuses = dict(OutboundEmail.objects.values_list("pk", "status"))
    assert statuses[first.pk] == statuses[last.pk] == OutboundEmail.Status.SENT
    # The bad row counts an attempt like any failure, so it is retried, then given up.
    row = OutboundEmail.objects.filter(pk=bad.pk).values("status", "attempts", "claimed_by")
    assert row.get() == {"status": OutboundEmail.Status.PENDING, "attempts": 1, "claimed_by": ""}


def test_a_worker_whose_claim_lapsed_does_not_send(
    db: None, mailoutbox: list[EmailMultiAlternatives]
) -> None:
    from rapport.core import jobs
    from rapport.core.outbox import _send_one

    row = queue_email(TEMPLATE, to="pat@example.com")
    with time_machine.travel(START, tick=False) as clock:
        assert jobs.claim(OutboundEmail.objects.all(), worker="slow") == [row.pk]
        clock.shift(jobs.LEASE + timedelta(seconds=1))  # "slow" is still busy with its batch
        assert jobs.claim(OutboundEmail.objects.all(), worker="fresh") == [row.pk]
        _send_one(row.pk, "slow")
        assert mailoutbox == []
        _send_one(row.pk, "fresh")
    assert len(mailoutbox) == 1
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT
