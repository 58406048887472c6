"""On PostgreSQL the database hashes the chain; its verdicts equal the local check's."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection, transaction

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


@on_postgresql
@pytest.mark.parametrize("local", [False, True], ids=["in-database", "key-stays-local"])
def test_a_sealed_value_emptied_to_null_is_reported(cast: SimpleNamespace, local: bool) -> None:
    # The owner can drop NOT NULL; a NULL makes the SQL canonical text NULL, and an
    # unknown comparison must count as a disagreement, never as a match.
    events = _unusual(cast)
    _sql("ALTER TABLE core_auditevent ALTER COLUMN object_id DROP NOT NULL", [])
    _sql("UPDATE core_auditevent SET object_id = NULL WHERE id = %s", [events[0].pk])
    report = _verify(*(("--key-stays-local",) if local else ()))
    assert report.startswith("FAILED")
    assert f"event #{events[0].pk} (position {events[0].seq}): contents edited" in report


@on_postgresql
def test_the_database_check_leaves_the_planner_settings_as_it_found_them(
    cast: SimpleNamespace,
) -> None:
    _unusual(cast)
    with connection.cursor() as cursor:
        cursor.execute("SHOW parallel_setup_cost")
        before = cursor.fetchone()
        with transaction.atomic():  # a caller's transaction: SET LOCAL would outlive the check
            audit_sql.verify(cast.clinic.pk, 1, audit.GENESIS)
            cursor.execute("SHOW parallel_setup_cost")
            assert cursor.fetchone() == before


@on_postgresql
def test_a_row_wrong_in_both_passes_is_reported_once_with_its_real_neighbour(
    cast: SimpleNamespace,
) -> None:
    events = _unusual(cast)
    _sql("UPDATE core_auditevent SET prev_hash = %s WHERE id = %s", ["0" * 64, events[2].pk])
    found = audit_sql.verify(cast.clinic.pk, 1, audit.GENESIS)
    row = next(row for row in found.disagreements if row.pk == events[2].pk)
    assert [r.pk for r in found.disagreements].count(events[2].pk) == 1
    assert not row.as_sealed
    assert row.before_hash == events[1].hash != row.prev_hash
    assert found.head_seq == events[-1].seq
