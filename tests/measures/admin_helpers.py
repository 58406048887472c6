"""Helpers for administration tests: answers, and an invitation sent through the real job."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail

from rapport.core.models import OutboundEmail
from rapport.core.outbox import send_due_emails
from rapport.measures import instruments, invitations
from rapport.measures.models import Invitation

LINK = re.compile(r"https?://[^\s\"<]*/q/([A-Za-z0-9_\-]+)/|/q/([A-Za-z0-9_\-]+)/")


def phq9(item9: int = 0, rest: int = 0) -> dict[str, int]:
    answers = {f"q{n}": rest for n in range(1, 9)} | {"q9": item9}
    if rest or item9:
        answers["difficulty"] = 1  # difficulty: required once the total is above 0 (§2.2)
    return answers


def gad7(value: int = 1) -> dict[str, int]:
    return {f"q{n}": value for n in range(1, 8)} | ({"difficulty": 0} if value else {})


def post_data(answers_by_code: dict[str, dict[str, int]]) -> dict[str, Any]:
    return {
        f"{code}-{key}": value
        for code, answers in answers_by_code.items()
        for key, value in answers.items()
    }


def schedule_invitation(client: Any, episode: Any, **fields: Any) -> Invitation:
    from django.utils import timezone

    fields.setdefault("send_at", timezone.now())
    return invitations.create_invitation(
        client,
        due=[instruments.get("phq9"), instruments.get("gad7")],
        context_id=episode.public_id,
        session_number=fields.pop("session_number", 2),
        created_by=episode.therapist,
        **fields,
    )


def token_from(text: str) -> str:
    match = LINK.search(text)
    assert match, text
    return match.group(1) or match.group(2)


def send_and_read_token(worker: str = "test-worker") -> str:
    """Run the real invitation and outbox jobs; the token from the e-mail just sent."""
    mail.outbox.clear()
    invitations.send_due_invitations(worker)
    send_due_emails(worker)
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).exists()
    return token_from(mail.outbox[0].body)
