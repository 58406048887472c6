"""The audit log: one call records, the worker seals, the chain exposes tampering."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from rapport.core import audit, jobs
from rapport.core.models import AuditChain, AuditEvent
from tests.factories import signed_in

SETTLED = audit.SEAL_AFTER + timedelta(seconds=1)


def _events(cast: SimpleNamespace, n: int = 5) -> list[AuditEvent]:
    return [
        audit.record(None, "clients.client.viewed", cast.client, actor=cast.therapist)
        for _ in range(n)
    ]


def _seal(worker: str = "test") -> int:
    """Run the worker's sealing job once every event written so far has settled."""
    with time_machine.travel(timezone.now() + SETTLED, tick=False):
        return jobs.registered_jobs()["audit_seal"](worker)


def _sealed(cast: SimpleNamespace, n: int = 5) -> list[AuditEvent]:
    events = _events(cast, n)
    _seal()
    return list(AuditEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("seq"))


def _fail_after(write: Callable[[], object]) -> None:
    """A transaction that writes, then fails and rolls back."""
    with transaction.atomic():
        write()
        raise RuntimeError("the write failed")


def _verify(*args: str) -> str:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", *args, stdout=out, stderr=err)
    except CommandError as error:
        return f"FAILED {error}\n{err.getvalue()}"
    return out.getvalue()


def test_it_records_who_what_and_which_client(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    http.get(reverse("clients:detail", args=[cast.client.public_id]), REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.get(action="clients.client.viewed")
    assert event.actor == cast.therapist
    assert event.clinic == cast.clinic
    assert event.object_id == str(cast.client.public_id)
    assert event.subject_id == cast.client.public_id
    assert event.address == "10.1.2.3"


def test_it_writes_an_unsealed_event_with_one_insert(
    cast: SimpleNamespace, django_assert_num_queries
) -> None:
    # No lock and no read of the chain: the request only inserts its row.
    with django_assert_num_queries(1):
        event = audit.record(None, "clients.client.viewed", cast.client, actor=cast.therapist)
    event.refresh_from_db()
    assert (event.seq, event.prev_hash, event.hash) == (None, "", "")


def test_it_leaves_no_event_for_a_rolled_back_write(cast: SimpleNamespace) -> None:
    with pytest.raises(RuntimeError):
        _fail_after(lambda: audit.record(None, "clients.client.updated", cast.client))
    assert not AuditEvent.objects.filter(action="clients.client.updated").exists()
    assert _seal() == 0


def test_it_chains_each_clinic_separately(cast: SimpleNamespace) -> None:
    _events(cast, 3)
    audit.record(None, "clients.client.viewed", cast.outsider_client, actor=cast.outsider)
    assert _seal() == 4
    ours = list(AuditEvent.objects.filter(clinic=cast.clinic).order_by("seq"))
    assert [e.seq for e in ours] == [1, 2, 3]
    assert ours[1].prev_hash == ours[0].hash
    assert AuditEvent.objects.get(clinic=cast.other_clinic).seq == 1
    assert "intact" in _verify()


def test_it_refuses_to_change_or_delete_rows_through_the_orm(cast: SimpleNamespace) -> None:
    event = _events(cast, 1)[0]
    event.action = "something.else"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


def test_it_seals_an_event_only_once(cast: SimpleNamespace) -> None:
    event = _sealed(cast, 1)[0]
    forged = AuditEvent.objects.get(pk=event.pk)
    forged.seq, forged.prev_hash, forged.hash = 7, "f" * 64, "e" * 64
    assert AuditEvent.objects.seal(forged) == 0  # sealing fields are set once, from empty
    event.refresh_from_db()
    assert (event.seq, event.hash) != (7, "e" * 64)


def test_it_seals_only_events_that_have_settled(cast: SimpleNamespace) -> None:
    _events(cast, 2)
    job = jobs.registered_jobs()["audit_seal"]
    assert job("test") == 0  # a transaction with a lower id may still commit
    assert _seal() == 2
    assert _seal() == 0


def test_it_never_seals_past_an_event_that_has_not_settled(cast: SimpleNamespace) -> None:
    now = timezone.now()
    with time_machine.travel(now + timedelta(seconds=10), tick=False):
        lower = audit.record(None, "clients.client.viewed", cast.client)  # still settling
    with time_machine.travel(now, tick=False):
        higher = audit.record(None, "clients.client.viewed", cast.client)
    job = jobs.registered_jobs()["audit_seal"]
    with time_machine.travel(now + audit.SEAL_AFTER + timedelta(seconds=2), tick=False):
        assert job("test") == 0  # the higher id has settled, the lower one not yet
    with time_machine.travel(now + audit.SEAL_AFTER + timedelta(seconds=11), tick=False):
        assert job("test") == 2
    seqs = dict(AuditEvent.objects.values_list("pk", "seq"))
    assert (seqs[lower.pk], seqs[higher.pk]) == (1, 2)


def test_it_chains_across_ids_left_by_rolled_back_writes(cast: SimpleNamespace) -> None:
    _events(cast, 2)
    with pytest.raises(RuntimeError):
        _fail_after(lambda: _events(cast, 3))
    _events(cast, 2)
    assert _seal() == 4
    assert list(AuditEvent.objects.order_by("pk").values_list("seq", flat=True)) == [1, 2, 3, 4]
    assert "intact" in _verify()


def test_it_continues_a_chain_sealed_in_several_batches(
    cast: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit, "SEAL_BATCH", 3)
    _events(cast, 8)
    assert _seal() == 8
    assert AuditChain.objects.get(chain=cast.clinic.pk).head_seq == 8
    assert "intact" in _verify()


def _sql(statement: str, params: list) -> None:
    """Tamper as an attacker with the owner's rights: past the append-only trigger."""
    with connection.cursor() as cursor, _trigger_dropped():
        cursor.execute(statement, params)


@contextmanager
def _trigger_dropped() -> Iterator[None]:
    """The table owner's way past the trigger (inside the test's transaction: undone after)."""
    if connection.vendor != "postgresql":
        yield  # SQLite has no roles and no trigger
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for none
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        try:
            yield
        finally:
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")


def _refused(statement: str, params: list) -> bool:
    """Whether the application's connection is refused this statement."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
    except DatabaseError as error:
        return "append-only" in str(error)
    return False


on_postgresql = pytest.mark.skipif("connection.vendor != 'postgresql'")


@on_postgresql
def test_the_database_refuses_to_edit_or_delete_a_sealed_row(cast: SimpleNamespace) -> None:
    event = _sealed(cast, 2)[0]
    assert _refused("UPDATE core_auditevent SET action = %s WHERE id = %s", ["x", event.pk])
    assert _refused("UPDATE core_auditevent SET hash = %s WHERE id = %s", ["0" * 64, event.pk])
    assert _refused(
        "UPDATE core_auditevent SET seq = NULL, prev_hash = '', hash = '' WHERE id = %s", [event.pk]
    )
    assert _refused("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert _refused("DELETE FROM core_auditevent", [])
    assert AuditEvent.objects.filter(pk=event.pk, action=event.action, hash=event.hash).exists()


@on_postgresql
def test_the_database_lets_an_unsealed_row_be_sealed_and_nothing_else(
    cast: SimpleNamespace,
) -> None:
    event = _events(cast, 1)[0]
    assert _refused("UPDATE core_auditevent SET action = %s WHERE id = %s", ["x", event.pk])
    assert _refused("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    # A seal that also rewrites what the row says is no seal.
    assert _refused(
        "UPDATE core_auditevent SET seq = 1, prev_hash = %s, hash = %s, actor_id = NULL"
        " WHERE id = %s",
        ["0" * 64, "f" * 64, event.pk],
    )
    assert _seal() == 1
    assert "intact: 1 sealed events" in _verify()


def test_it_reports_a_row_edited_in_the_database(cast: SimpleNamespace) -> None:
    events = _sealed(cast)
    _sql("UPDATE core_auditevent SET action = %s WHERE id = %s", ["core.nothing", events[2].pk])
    report = _verify()
    assert report.startswith("FAILED")
    assert f"event #{events[2].pk}" in report
    assert "edited" in report


def test_it_reports_a_row_deleted_from_the_database(cast: SimpleNamespace) -> None:
    events = _sealed(cast)
    _sql("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    report = _verify()
    assert report.startswith("FAILED")
    assert f"event #{events[2].pk}" in report


def test_it_reports_the_newest_rows_deleted_from_the_database(cast: SimpleNamespace) -> None:
    events = _sealed(cast)
    _sql("DELETE FROM core_auditevent WHERE id = %s", [events[-1].pk])
    report = _verify()
    assert report.startswith("FAILED")
    assert "newest rows deleted" in report


def test_it_reports_a_sealed_row_made_to_look_unsealed(cast: SimpleNamespace) -> None:
    events = _sealed(cast)
    _sql("UPDATE core_auditevent SET seq = NULL WHERE id = %s", [events[1].pk])
    assert _verify().startswith("FAILED")


def test_it_reports_reordered_rows(cast: SimpleNamespace) -> None:
    events = _sealed(cast)
    a, b = events[1], events[3]
    _sql("UPDATE core_auditevent SET seq = %s WHERE id = %s", [999, a.pk])
    _sql("UPDATE core_auditevent SET seq = %s WHERE id = %s", [a.seq, b.pk])
    _sql("UPDATE core_auditevent SET seq = %s WHERE id = %s", [b.seq, a.pk])
    assert _verify().startswith("FAILED")


def test_it_never_stores_clinical_text(cast: SimpleNamespace) -> None:
    from tests.factories import csrf_post

    http = signed_in(cast.therapist)
    url = reverse("clients:clinical_edit", args=[cast.client.public_id])
    text = "Argument with her sister at the funeral"
    response = csrf_post(http, url, {"background": text, "version": cast.client.version})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="clients.background.updated")
    assert event.fields == ["background"]
    stored = b" ".join(e.canonical() for e in AuditEvent.objects.all())
    assert b"funeral" not in stored


def test_admins_filter_the_audit_page_by_user_and_client(cast: SimpleNamespace) -> None:
    signed_in(cast.therapist).get(reverse("clients:detail", args=[cast.client.public_id]))
    signed_in(cast.intake).get(reverse("clients:detail", args=[cast.colleague_client.public_id]))
    http = signed_in(cast.admin)
    page = http.get(reverse("core:audit_log"), {"client": str(cast.client.public_id)})
    rows = [row.event for row in page.context["rows"]]
    assert rows
    assert {e.subject_id for e in rows} == {cast.client.public_id}
    page = http.get(reverse("core:audit_log"), {"actor": str(cast.intake.public_id)})
    assert {row.event.actor for row in page.context["rows"]} == {cast.intake}
    # Another clinic's events never show.
    audit.record(None, "clients.client.viewed", cast.outsider_client, actor=cast.outsider)
    page = http.get(reverse("core:audit_log"))
    assert all(row.event.clinic_id == cast.clinic.pk for row in page.context["rows"])


def test_it_reports_the_unsealed_backlog_without_failing(cast: SimpleNamespace) -> None:
    _sealed(cast, 2)
    with time_machine.travel(timezone.now() - timedelta(seconds=90), tick=False):
        _events(cast, 3)
    report = _verify()
    assert "intact: 2 sealed events verified" in report
    assert "3 event(s) not yet sealed, the oldest 9" in report  # about 90 s


def test_it_verifies_incrementally_from_the_last_checkpoint(cast: SimpleNamespace) -> None:
    first = _sealed(cast, 4)
    assert "4 sealed events verified in full" in _verify()
    chain = AuditChain.objects.get(chain=cast.clinic.pk)
    assert (chain.checkpoint_seq, chain.checkpoint_hash) == (4, first[-1].hash)
    later = _sealed(cast, 3)
    assert "3 sealed events verified since the last checkpoint" in _verify("--incremental")
    assert AuditChain.objects.get(chain=cast.clinic.pk).checkpoint_seq == 7
    # A row edited after the checkpoint is caught, and the checkpoint stays put.
    _sealed(cast, 2)
    _sql("UPDATE core_auditevent SET action = %s WHERE seq = %s", ["core.nothing", 8])
    report = _verify("--incremental")
    assert report.startswith("FAILED")
    assert "position 8" in report
    assert AuditChain.objects.get(chain=cast.clinic.pk).checkpoint_seq == 7
    # The checkpoint's own row is checked on every incremental run.
    _sql("UPDATE core_auditevent SET hash = %s WHERE id = %s", ["0" * 64, later[-1].pk])
    assert "last checkpoint was changed" in _verify("--incremental")
    # Rows before the checkpoint are left to the full check, which sees everything.
    assert "position 8" in _verify()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_concurrent_audited_writes_do_not_wait_on_each_other(
    transactional_db: None, cast: SimpleNamespace
) -> None:
    # Both transactions stay open until both have written their event: with a
    # per-clinic lock on the request path the second write would block and the
    # barrier would break instead.
    both_written = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []

    def request(actor) -> None:
        try:
            with transaction.atomic():
                audit.record(None, "clients.client.updated", cast.client, actor=actor)
                both_written.wait()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=request, args=(actor,))
        for actor in (cast.therapist, cast.supervisor)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert AuditEvent.objects.filter(action="clients.client.updated").count() == 2


def test_it_seals_each_event_exactly_once_with_two_workers(
    transactional_db: None, cast: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit, "SEAL_BATCH", 4)
    events = _events(cast, 30)
    events += [
        audit.record(None, "clients.client.viewed", cast.outsider_client, actor=cast.outsider)
        for _ in range(10)
    ]
    start = threading.Barrier(2)
    sealed: list[int] = []
    errors: list[BaseException] = []
    job = jobs.registered_jobs()["audit_seal"]

    def worker(name: str) -> None:
        # Each thread has its own database connection, like separate workers.
        try:
            start.wait()
            while done := job(name):
                sealed.append(done)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    with time_machine.travel(timezone.now() + SETTLED, tick=False):
        threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert _seal() == 0  # a worker may have skipped a chain the other held
    assert not errors
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 0
    for clinic, count in ((cast.clinic, 30), (cast.other_clinic, 10)):
        rows = AuditEvent.objects.filter(clinic=clinic)
        assert list(rows.order_by("seq").values_list("seq", flat=True)) == list(range(1, count + 1))
        assert list(rows.order_by("pk").values_list("seq", flat=True)) == list(range(1, count + 1))
    assert "intact: 40 sealed events" in _verify()


def _denied(statement: str) -> str:
    """The database's refusal of ``statement``, or "" when it ran."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    except DatabaseError as error:
        return str(error)
    return ""


@on_postgresql
def test_the_application_role_of_the_operators_guide_seals_but_cannot_unhook_the_log(
    cast: SimpleNamespace,
) -> None:
    # The grants docs/operations.md gives the application role, inside this test's transaction.
    role = f"rapport_app_{os.getpid()}"
    grants = [
        f"CREATE ROLE {role} NOLOGIN",
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"REVOKE DELETE, TRUNCATE ON core_auditevent FROM {role}",
    ]
    with connection.cursor() as cursor:
        for statement in grants:
            cursor.execute(statement)
        cursor.execute(f"SET ROLE {role}")
    try:
        _events(cast, 2)
        assert _seal() == 2  # the worker's work needs no more than these grants
        assert "intact: 2 sealed events" in _verify()
        assert "permission denied" in _denied("TRUNCATE core_auditevent")
        assert "permission denied" in _denied("DELETE FROM core_auditevent")
        assert "must be owner" in _denied(
            "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only"
        )
        assert "must be owner" in _denied(
            "DROP TRIGGER core_auditevent_append_only ON core_auditevent"
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    assert AuditEvent.objects.filter(seq__isnull=False).count() == 2
