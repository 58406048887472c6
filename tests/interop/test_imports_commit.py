"""Writing an import: all rows or none, checked again, marked as imported, audited, safe."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from rapport.core.models import AuditEvent
from rapport.interop.imports.commit import NotValid, commit
from rapport.measures.models import Response, SafetyAlert
from tests.interop.imports_helpers import csv_text, phq9_row, verified

MILD = [1, 1, 1, 1, 1, 1, 0, 0, 0]
ITEM9 = [1, 1, 1, 1, 1, 1, 0, 0, 2]


def request_of(user):
    request = RequestFactory().post("/interop/imports/csv/import/")
    request.user = verified(user)
    return request


def test_it_writes_every_row_marked_as_imported_with_its_source(cast):
    text = csv_text(
        phq9_row(cast.client, "2024-03-18", MILD, total="13"),
        phq9_row(cast.client, "2024-04-18", [0] * 9, difficulty=""),
    )
    outcome = commit(request_of(cast.therapist), "csv", text)
    stored = list(Response.objects.filter(import_id=outcome.import_id).order_by("submitted_at"))
    assert [(r.total, r.band, r.mode, r.source_detail) for r in stored] == [
        (6, "mild", "imported", "CSV row 2"),
        (0, "none–minimal", "imported", "CSV row 3"),
    ]
    assert all(r.imported and r.entered_by == cast.therapist for r in stored)
    assert stored[0].answers["q1"] == 1
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("measures.response.imported") == 2
    assert actions.count("interop.import.committed") == 1


def test_one_bad_row_writes_nothing(cast):
    text = csv_text(
        phq9_row(cast.client, "2024-03-18", MILD),
        phq9_row(cast.client, "2024-03-25", [1, 1, 1, 1, 1, 1, 0, 0, 9]),
    )
    with pytest.raises(NotValid) as refused:
        commit(request_of(cast.therapist), "csv", text)
    assert [(e.row, e.column) for e in refused.value.preview.errors] == [(3, "item_9")]
    assert not Response.objects.filter(mode="imported").exists()
    assert not AuditEvent.objects.filter(action="interop.import.committed").exists()


def test_it_checks_again_at_import_time(cast):
    text = csv_text(phq9_row(cast.client, "2024-03-18", MILD))
    cast.client.assigned_therapist = cast.colleague
    cast.client.save()
    with pytest.raises(NotValid):
        commit(request_of(cast.therapist), "csv", text)
    assert not Response.objects.filter(mode="imported").exists()


def test_the_same_file_twice_is_refused(cast):
    text = csv_text(phq9_row(cast.client, "2024-03-18", MILD))
    commit(request_of(cast.therapist), "csv", text)
    with pytest.raises(NotValid) as refused:
        commit(request_of(cast.therapist), "csv", text)
    assert "already has a PHQ-9 at this date" in refused.value.preview.errors[0].message
    assert Response.objects.filter(mode="imported").count() == 1


def test_an_old_positive_item_9_raises_no_alert_but_a_recent_one_does(cast):
    recent = (timezone.localdate() - timedelta(days=3)).isoformat()
    text = csv_text(
        phq9_row(cast.client, "2023-01-10", ITEM9), phq9_row(cast.client, recent, ITEM9)
    )
    outcome = commit(request_of(cast.therapist), "csv", text)
    old, new = sorted(outcome.responses, key=lambda r: r.submitted_at)
    assert not SafetyAlert.objects.filter(response=old).exists()
    alert = SafetyAlert.objects.get(response=new)
    assert (alert.item, alert.value, alert.owner, alert.status) == ("q9", 2, cast.therapist, "open")
    assert outcome.alerts == 1


def test_a_response_in_an_episodes_span_is_filed_under_it(cast):
    # cast.episode started on 2026-09-01 and is still open.
    day = max(timezone.localdate() - timedelta(days=20), cast.episode.started_on).isoformat()
    text = csv_text(phq9_row(cast.client, day, MILD), phq9_row(cast.client, "2024-03-18", MILD))
    outcome = commit(request_of(cast.therapist), "csv", text)
    inside, before = sorted(outcome.responses, key=lambda r: r.submitted_at, reverse=True)
    assert inside.context_id == cast.episode.public_id
    assert before.context_id is None
