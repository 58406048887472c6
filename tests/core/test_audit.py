"""The audit log: one call records, the chain exposes tampering."""

from __future__ import annotations

from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from rapport.core import audit
from rapport.core.models import AuditEvent
from tests.factories import signed_in


def _events(cast: SimpleNamespace, n: int = 5) -> list[AuditEvent]:
    return [
        audit.record(None, "clients.client.viewed", cast.client, actor=cast.therapist)
        for _ in range(n)
    ]


def _verify() -> str:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
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


def test_it_chains_each_clinic_separately(cast: SimpleNamespace) -> None:
    _events(cast, 3)
    audit.record(None, "clients.client.viewed", cast.outsider_client, actor=cast.outsider)
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


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_it_reports_a_row_edited_in_the_database(cast: SimpleNamespace) -> None:
    events = _events(cast)
    _sql("UPDATE core_auditevent SET action = %s WHERE id = %s", ["core.nothing", events[2].pk])
    report = _verify()
    assert report.startswith("FAILED")
    assert f"event #{events[2].pk}" in report
    assert "edited" in report


def test_it_reports_a_row_deleted_from_the_database(cast: SimpleNamespace) -> None:
    events = _events(cast)
    _sql("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    report = _verify()
    assert report.startswith("FAILED")
    assert f"event #{events[2].pk}" in report


def test_it_reports_reordered_rows(cast: SimpleNamespace) -> None:
    events = _events(cast)
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
    rows = [event for event, _name in page.context["rows"]]
    assert rows
    assert {e.subject_id for e in rows} == {cast.client.public_id}
    page = http.get(reverse("core:audit_log"), {"actor": str(cast.intake.public_id)})
    assert {e.actor for e, _name in page.context["rows"]} == {cast.intake}
    # Another clinic's events never show.
    audit.record(None, "clients.client.viewed", cast.outsider_client, actor=cast.outsider)
    page = http.get(reverse("core:audit_log"))
    assert all(e.clinic_id == cast.clinic.pk for e, _name in page.context["rows"])
