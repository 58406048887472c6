"""The audit log page: events in words, times in the reader's zone, filters, CSV, chain status."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from rapport.core import audit, jobs
from rapport.core.audit_names import event_name
from rapport.core.forms import AuditFilterForm
from rapport.core.models import AuditEvent, Clinic, User
from rapport.core.views.audit_log import PAGE_SIZE, filtered
from tests.factories import signed_in
from tests.history import audit_events
from tests.page_cost import page_cost
from tests.query_plans import analyze, assert_uses_index

LOG = reverse("core:audit_log")
EXPORT = reverse("core:audit_export")
NOON = datetime(2026, 3, 10, 12, tzinfo=UTC)


def event(cast: SimpleNamespace, action: str, at: datetime, actor=None, obj=None) -> AuditEvent:
    with time_machine.travel(at, tick=False):
        return audit.record(None, action, obj or cast.client, actor=actor or cast.therapist)


def rows(page) -> list[AuditEvent]:
    return [row.event for row in page.context["rows"]]


def exported(http, params: dict[str, str] | None = None) -> list[dict[str, str]]:
    response = http.get(EXPORT, params or {})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.getvalue().decode())))


def test_it_names_events_in_words_with_a_readable_fallback() -> None:
    assert event_name("ipt.note.signed") == "Session note signed"
    assert event_name("ipt.widget.created") == "Widget created"  # not in the table
    assert event_name("reports.letter_draft.printed") == "Letter draft printed"
    assert event_name("oddity") == "Oddity"


def test_it_shows_words_actor_client_object_and_the_readers_zone(cast: SimpleNamespace) -> None:
    Clinic.objects.filter(pk=cast.clinic.pk).update(time_zone="Asia/Tokyo")
    event(cast, "clients.client.viewed", datetime(2026, 1, 1, 0, 0, 0, 123456, tzinfo=UTC))
    body = signed_in(cast.admin).get(LOG).content.decode()
    assert "Client record opened" in body
    assert "Therapist Tester" in body
    assert cast.client.display_name in body
    assert '<th scope="col">When <span class="muted">(Asia/Tokyo)</span></th>' in body
    # Valid HTML: seconds and a zone, never six fraction digits.
    assert '<time datetime="2026-01-01T00:00:00Z">2026-01-01 09:00:00 JST</time>' in body
    assert '<td class="nowrap"><time' in body


def test_a_reader_with_their_own_zone_sees_it(cast: SimpleNamespace) -> None:
    User.objects.filter(pk=cast.admin.pk).update(time_zone="America/Los_Angeles")
    event(cast, "clients.client.viewed", NOON)
    body = signed_in(cast.admin).get(LOG, {"event": "clients.client.viewed"}).content.decode()
    assert "(America/Los_Angeles)" in body
    assert ">2026-03-10 05:00:00 PDT</time>" in body


def test_it_filters_by_event_type(cast: SimpleNamespace) -> None:
    signed = event(cast, "ipt.note.signed", NOON)
    event(cast, "clients.client.viewed", NOON + timedelta(minutes=1))
    page = signed_in(cast.admin).get(LOG, {"event": "ipt.note.signed"})
    assert rows(page) == [signed]


def test_it_filters_by_dates_in_the_readers_zone(cast: SimpleNamespace) -> None:
    Clinic.objects.filter(pk=cast.clinic.pk).update(time_zone="Asia/Tokyo")
    # 9 March 23:30 in Tokyo is 14:30 UTC; 10 March 00:30 in Tokyo is 15:30 UTC.
    before = event(cast, "ipt.note.viewed", datetime(2026, 3, 9, 14, 30, tzinfo=UTC))
    first = event(cast, "ipt.note.viewed", datetime(2026, 3, 9, 15, 30, tzinfo=UTC))
    last = event(cast, "ipt.note.viewed", datetime(2026, 3, 11, 14, 59, tzinfo=UTC))
    event(cast, "ipt.note.viewed", datetime(2026, 3, 11, 15, 0, tzinfo=UTC))
    http = signed_in(cast.admin)
    mine = {"actor": str(cast.therapist.public_id)}
    both = http.get(LOG, mine | {"since": "2026-03-10", "until": "2026-03-11"})
    assert rows(both) == [last, first]
    assert rows(http.get(LOG, mine | {"until": "2026-03-09"})) == [before]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"since": "0001-01-01"}, "Enter a date between 1900 and 2100."),
        ({"until": "9999-12-31"}, "Enter a date between 1900 and 2100."),
        ({"since": "2026-03-11", "until": "2026-03-10"}, "The end date comes before the start"),
        ({"event": "core.made_up"}, "Select a valid choice."),
    ],
)
def test_it_explains_a_filter_it_cannot_use(
    cast: SimpleNamespace, params: dict[str, str], message: str
) -> None:
    response = signed_in(cast.admin).get(LOG, params)
    assert response.status_code == 200
    assert message in response.content.decode()
    export = signed_in(cast.admin).get(EXPORT, params)  # no file: the page says why
    assert message in export.content.decode()


def test_the_export_holds_the_filtered_rows_and_is_audited(cast: SimpleNamespace) -> None:
    Clinic.objects.filter(pk=cast.clinic.pk).update(time_zone="Europe/London")
    event(cast, "ipt.note.signed", datetime(2026, 7, 1, 8, tzinfo=UTC))
    event(cast, "clients.client.viewed", NOON)
    audit.record(None, "ipt.note.signed", cast.outsider_client, actor=cast.outsider)
    http = signed_in(cast.admin)
    found = exported(http, {"event": "ipt.note.signed"})
    assert found == [
        {
            "time": "2026-07-01 09:00:00",
            "time zone": "Europe/London",
            "event": "Session note signed",
            "event code": "ipt.note.signed",
            "staff member": "Therapist Tester",
            "client": cast.client.display_name,
            "object": "client",
            "object id": str(cast.client.public_id),
            "fields": "",
            "address": "",
        }
    ]
    export = AuditEvent.objects.get(action="core.audit.exported")
    assert (export.actor, export.fields) == (cast.admin, ["event"])
    # Every clinic row of the log, and nothing of the other clinic.
    everything = exported(http)
    assert all(row["client"] != cast.outsider_client.display_name for row in everything)
    # The stream reads after the export is recorded: the export lists itself too.
    assert len(everything) == AuditEvent.objects.filter(clinic=cast.clinic).count()


def test_the_export_cannot_smuggle_a_formula(cast: SimpleNamespace) -> None:
    with time_machine.travel(NOON, tick=False):
        audit.record(
            None, "core.staff.updated", cast.therapist, actor=cast.admin, fields=['=HYPERLINK("x")']
        )
    [row] = exported(signed_in(cast.admin), {"event": "core.staff.updated"})
    assert row["fields"] == '\'=HYPERLINK("x")'


def test_only_admins_read_or_export_the_log(cast: SimpleNamespace) -> None:
    for role in ("therapist", "supervisor", "intake"):
        http = signed_in(getattr(cast, role))
        assert http.get(LOG).status_code == 403
        assert http.get(EXPORT).status_code == 403
    assert not AuditEvent.objects.filter(action="core.audit.exported").exists()


def test_it_shows_the_chain_status_from_the_last_check(cast: SimpleNamespace) -> None:
    http = signed_in(cast.admin)
    body = http.get(LOG).content.decode()
    assert "Not checked yet." in body
    for n in range(3):
        event(cast, "clients.client.viewed", timezone.now() - timedelta(minutes=5 - n))
    with time_machine.travel(timezone.now() + audit.SEAL_AFTER + timedelta(seconds=1), tick=False):
        jobs.registered_jobs()["audit_seal"]("test")
    call_command("verify_audit", stdout=io.StringIO(), stderr=io.StringIO())
    sealed = AuditEvent.objects.filter(clinic=cast.clinic, seq__isnull=False).count()
    body = http.get(LOG).content.decode()
    assert f"Last check: intact, all {sealed} sealed entries verified" in body
    # This view's own entry was recorded after the check: it waits to be sealed.
    assert "1 newer entry waits for the worker to seal it." in body


@pytest.mark.parametrize(
    "params", [{}, {"event": "clients.client.viewed"}, {"since": "2024-01-01"}]
)
def test_its_cost_is_the_same_for_10_or_1000_entries(
    cast: SimpleNamespace, params: dict[str, str]
) -> None:
    http = signed_in(cast.admin)
    mine = {"actor": str(cast.therapist.public_id), **params}
    url = f"{LOG}?{'&'.join(f'{k}={v}' for k, v in mine.items())}"
    audit_events(cast.clinic, cast.therapist, 10, subject=cast.client)
    small = page_cost(http, url)
    audit_events(cast.clinic, cast.therapist, 990, subject=cast.client)
    assert page_cost(http, url) == small
    assert len(rows(http.get(url))) == PAGE_SIZE


def history(cast: SimpleNamespace, actor, action: str, count: int, subject=None) -> None:
    AuditEvent.objects.bulk_create(
        AuditEvent(
            clinic=cast.clinic,
            at=NOON + timedelta(seconds=n),
            actor=actor,
            action=action,
            subject_id=subject.public_id if subject else None,
        )
        for n in range(count)
    )


@pytest.mark.parametrize(
    ("field", "index"),
    [("actor", "audit_by_actor"), ("event", "audit_by_action"), ("client", "audit_by_subject")],
)
def test_each_filter_reads_its_index(cast: SimpleNamespace, field: str, index: str) -> None:
    """A busy therapist's, event's or client's newest page is an index walk, not a sort,
    nor a walk through everyone else's entries."""
    history(cast, cast.therapist, "ipt.note.viewed", 1500, subject=cast.client)
    history(cast, cast.intake, "clients.client.viewed", 20000)
    analyze(AuditEvent)
    value = {
        "actor": str(cast.therapist.public_id),
        "event": "ipt.note.viewed",
        "client": str(cast.client.public_id),
    }[field]
    form = AuditFilterForm(
        {field: value},
        staff=User.objects.filter(clinic=cast.clinic),
        clients=[(str(cast.client.public_id), "x")],
    )
    assert form.is_valid(), form.errors
    request = SimpleNamespace(user=cast.admin)
    query = filtered(request, form).order_by("-pk")[: PAGE_SIZE + 1]
    assert_uses_index(query.explain(), index)
