"""On PostgreSQL the database hashes the chain; its verdicts equal the local check's."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection

from rapport.core import audit, audit_sql
from rapport.core.models import AuditEvent
from tests.core.test_audit import _seal, _sql, _verify

on_postgresql = pytest.mark.skipif("connection.vendor != 'postgresql'")


def _unusual(cast: SimpleNamespace) -> list[AuditEvent]:
    """Events whose text the SQL encodes unlike Python's JSON, or just barely alike."""
    events = [
        audit.record(None, "clients.client.viewed", cast.client, actor=cast.therapist),
        audit.record(None, "core.access.not_found", clinic=cast.clinic, object_id="café ☕ \x7f"),
        audit.record(
            None, "core.access.not_found", clinic=cast.clinic, object_type='q"u\\', object_id="\n"
        ),
        audit.record(None, "clients.background.updated", cast.client, fields=["b", "a", "é"]),
    ]
    _seal()
    return list(AuditEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("pk"))


@on_postgresql
def test_the_database_confirms_every_row_whose_text_it_encodes_alike(
    cast: SimpleNamespace,
) -> None:
    events = _unusual(cast)
    found = audit_sql.verify(cast.clinic.pk, 1, audit.GENESIS)
    assert found.rows == AuditEvent.objects.filter(clinic=cast.clinic).count()
    # Only the rows with non-ASCII text or an escaped control character need a second look.
    looked_again = {row.pk for row in found.disagreements}
    assert events[0].pk not in looked_again
    assert looked_again == {events[1].pk, events[3].pk}
    assert all(row.prev_hash == row.before_hash for row in found.disagreements)
    assert "intact" in _verify()
    assert "intact" in _verify("--key-stays-local")


@on_postgresql
@pytest.mark.parametrize("local", [False, True], ids=["in-database", "key-stays-local"])
def test_both_checks_report_the_same_tampering(cast: SimpleNamespace, local: bool) -> None:
    events = _unusual(cast)
    flag = ("--key-stays-local",) if local else ()
    _sql("UPDATE core_auditevent SET object_id = %s WHERE id = %s", ["café", events[1].pk])
    _sql("UPDATE core_auditevent SET seq = seq + 100 WHERE id = %s", [events[3].pk])
    report = _verify(*flag)
    assert report.startswith("FAILED")
    assert f"event #{events[1].pk} (position {events[1].seq}): contents edited" in report
    assert f"event #{events[3].pk} (position {events[3].seq + 100}): expected position" in report


def test_the_database_check_is_offered_on_postgresql_only() -> None:
    assert audit_sql.available() == (connection.vendor == "postgresql")
