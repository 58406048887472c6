"""Signed chain heads kept off the database: a truncated audit tail shows (issue 10, found 7)."""

from __future__ import annotations

import json
import textwrap
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from rapport.core import audit_checkpoints, jobs
from rapport.core.models import AuditChain, AuditEvent, OutboundEmail
from tests.core.test_audit import _events, _sealed, _sql, _verify


@pytest.fixture(autouse=True)
def _probe_now(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each call below is a worker pass that looks for due chains.
    monkeypatch.setattr(audit_checkpoints, "PROBE_EVERY", timedelta(0))
    monkeypatch.setitem(audit_checkpoints._next_probe, "at", 0.0)


def _export() -> int:
    return jobs.registered_jobs()["audit_checkpoint"]("test")


def _truncate(events: list[AuditEvent], keep: int) -> None:
    """What an attacker with the owner's rights does: drop the newest rows, move the head back."""
    for event in events[keep:]:
        _sql("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    last = events[keep - 1]
    _sql(
        "UPDATE core_auditchain SET head_seq = %s, head_hash = %s, checkpoint_seq = 0,"
        " exported_seq = %s WHERE chain = %s",
        [last.seq, last.hash, last.seq, last.clinic_id],
    )


def _file(chain: int) -> Path:
    return Path(settings.RAPPORT_AUDIT_CHECKPOINT_DIR) / f"chain-{chain}.jsonl"


def test_deleting_the_newest_rows_is_reported_against_the_last_checkpoint(
    cast: SimpleNamespace, settings, tmp_path: Path
) -> None:
    events = _sealed(cast, 5)
    assert _export() == 1
    _truncate(events, keep=3)
    # The shorter chain is intact in itself: without the checkpoint nothing shows.
    kept = settings.RAPPORT_AUDIT_CHECKPOINT_DIR
    settings.RAPPORT_AUDIT_CHECKPOINT_DIR = tmp_path / "elsewhere"
    assert "intact" in _verify()
    settings.RAPPORT_AUDIT_CHECKPOINT_DIR = kept
    report = _verify()
    assert report.startswith("FAILED")
    assert "ends at position 3" in report
    assert "recorded position 5: newest rows deleted" in report


def test_a_checkpoint_e_mailed_to_the_admins_catches_it_when_the_file_is_gone(
    cast: SimpleNamespace, tmp_path: Path
) -> None:
    events = _sealed(cast, 4)
    _export()
    email = OutboundEmail.objects.get()
    assert email.recipient == cast.admin.email  # the clinic's admins, nobody else
    saved = tmp_path / "checkpoint-email.txt"
    # Saved as a mail client shows it: long lines wrapped, and quoted in a reply.
    wrapped = "\n".join("> " + part for part in textwrap.wrap(email.text_body, 72))
    saved.write_text(f"Subject: {email.subject}\n\n{wrapped}")
    _truncate(events, keep=2)
    _file(cast.clinic.pk).unlink()
    assert "intact" in _verify()
    report = _verify("--checkpoint", str(saved))
    assert report.startswith("FAILED")
    assert "recorded position 4: newest rows deleted" in report


def test_the_worker_writes_a_signed_checkpoint_with_no_personal_data(
    cast: SimpleNamespace,
) -> None:
    events = _sealed(cast, 3)
    _sealed(cast, 0)
    assert _export() == 1
    (checkpoint,) = audit_checkpoints.parse(_file(cast.clinic.pk).read_text())
    assert checkpoint.authentic
    assert (checkpoint.chain, checkpoint.head_seq, checkpoint.head_hash) == (
        cast.clinic.pk,
        3,
        events[-1].hash,
    )
    email = OutboundEmail.objects.get()
    assert checkpoint.to_line() in email.text_body
    sent = f"{email.subject}\n{email.text_body}\n{_file(cast.clinic.pk).read_text()}"
    for personal in [cast.client.given_name, cast.client.family_name, cast.client.email]:
        assert personal not in sent
    assert set(json.loads(checkpoint.to_line())) == {
        "kind",
        "chain",
        "head_seq",
        "head_hash",
        "at",
        "signature",
    }
    report = _verify()
    assert "intact: 3 sealed events" in report
    assert "reaches the checkpoint" in report


def test_it_exports_a_chain_again_only_when_due_and_moved(cast: SimpleNamespace) -> None:
    _sealed(cast, 2)
    assert _export() == 1
    _sealed(cast, 2)
    assert _export() == 0  # moved, but exported less than the interval ago
    later = timezone.now() + timedelta(hours=settings.RAPPORT_AUDIT_CHECKPOINT_HOURS, minutes=1)
    with time_machine.travel(later, tick=False):
        assert _export() == 1
        assert _export() == 0  # nothing new since
    lines = audit_checkpoints.parse(_file(cast.clinic.pk).read_text())
    assert [cp.head_seq for cp in lines] == [2, 4]
    assert AuditChain.objects.get(chain=cast.clinic.pk).exported_seq == 4
    assert OutboundEmail.objects.count() == 2


def test_it_reports_a_forged_checkpoint(cast: SimpleNamespace) -> None:
    _sealed(cast, 3)
    _export()
    line = _file(cast.clinic.pk).read_text()
    _file(cast.clinic.pk).write_text(line.replace('"head_seq":3', '"head_seq":2'))
    report = _verify()
    assert report.startswith("FAILED")
    assert "signature does not match" in report


def test_it_reports_a_chain_rewritten_below_the_checkpoint(cast: SimpleNamespace) -> None:
    events = _sealed(cast, 3)
    _export()
    # Rows removed and the head re-sealed past the checkpoint's position: the hash differs there.
    _truncate(events, keep=1)
    _events(cast, 3)
    _sealed(cast, 0)
    report = _verify()
    assert report.startswith("FAILED")
    assert "differs from the checkpoint" in report
