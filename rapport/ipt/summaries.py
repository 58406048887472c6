"""The summary of the formulation for the client: drafts, approval, and what is shared.

The portal shows only the newest *approved* version, exactly as it was approved.
Writing after approval starts a new draft, which the client does not see until
it is approved in turn. These functions check no access: views reach the
episode through the access layer first.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.ipt.forms.initial import fingerprint
from rapport.ipt.models import ClientSummary, Episode


class SummaryChanged(Exception):
    """The summary moved on since the therapist's page was opened: nothing was written."""


def latest(episode: Episode) -> ClientSummary | None:
    """The newest version, draft or approved."""
    return episode.summaries.select_related("written_by", "approved_by").first()


def approved(episode: Episode) -> ClientSummary | None:
    """What the client may read: the newest approved version, or nothing."""
    return episode.summaries.approved().select_related("approved_by").first()


def seen_mark(summary: ClientSummary | None) -> str:
    """What the editor saw (version and text digest), so a stale save is refused."""
    return fingerprint(summary.version, summary.text) if summary else "none"


def normalised(text: str) -> str:
    """Browsers send CRLF from text areas; store and compare plain newlines."""
    return text.replace("\r\n", "\n").strip()


@transaction.atomic
def save_draft(episode: Episode, text: str, *, by: Any, seen: str) -> tuple[ClientSummary, bool]:
    """Write ``text`` as the draft; returns the version and whether anything changed.

    A draft is rewritten in place; an approved version is never changed, so
    writing after approval starts the next version as a draft. Text identical to
    the newest version changes nothing. ``seen`` is ``seen_mark`` of the version
    the editor started from; if the summary moved on since, ``SummaryChanged``.
    """
    text = normalised(text)
    current = episode.summaries.select_for_update().first()
    if seen != seen_mark(current):
        raise SummaryChanged
    if current is not None and current.text == text:
        return current, False
    now = timezone.now()
    if current is not None and current.is_draft:
        current.text, current.written_by, current.written_at = text, by, now
        current.save(update_fields=["text", "written_by", "written_at"])
        return current, True
    version = (current.version if current else 0) + 1
    draft = ClientSummary.objects.create(
        episode=episode, version=version, text=text, written_by=by, written_at=now
    )
    return draft, True


@transaction.atomic
def approve(episode: Episode, summary_id: str, *, by: Any) -> ClientSummary:
    """Approve the draft the therapist was looking at, if it is still the newest one."""
    current = episode.summaries.select_for_update().first()
    if current is None or str(current.public_id) != summary_id or not current.is_draft:
        raise SummaryChanged
    current.approved_at, current.approved_by = timezone.now(), by
    current.save(update_fields=["approved_at", "approved_by"])
    return current
