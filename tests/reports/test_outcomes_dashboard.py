"""The clinic outcomes dashboard: scope, §3 figures, filters, CSV, and a constant query count."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from django.urls import reverse

from rapport.core.models import AuditEvent
from rapport.intake.models import ConsultationRequest, ContactAttempt
from rapport.ipt.models import Episode
from rapport.ipt.models.episodes import SessionAttendance
from rapport.reports.outcomes_dashboard import percentile
from tests.factories import make_client, make_note, signed_in
from tests.measures.charts_helpers import add_response
from tests.page_cost import page_cost

URL = reverse("reports:outcomes")
CSV_URL = reverse("reports:outcomes_csv")
PERIOD = {"start": "2026-01-01", "end": "2026-12-31"}


def finished_course(
    client: Any,
    phq9: list[int] = (),
    gad7: list[int] = (),
    *,
    reason: str = Episode.CloseReason.COMPLETED,
    closed_on: date = date(2026, 11, 1),
    held: int = 2,
    area: str = "grief",
    started_on: date = date(2026, 9, 1),
) -> Episode:
    episode = Episode.objects.create(
        client=client,
        therapist=client.assigned_therapist,
        started_on=started_on,
        primary_problem_area=area,
        status=Episode.Status.CLOSED,
        closed_on=closed_on,
        close_reason=reason,
    )
    for number in range(1, held + 1):
        make_note(episode, number, attendance=SessionAttendance.ATTENDED)
    for code, totals in (("phq9", phq9), ("gad7", gad7)):
        for session, total in enumerate(totals, start=1):
            add_response(client, total, session=session, context_id=episode.public_id, code=code)
    return episode


def get(user: Any, url: str = URL, **params: str) -> Any:
    return signed_in(user).get(url, PERIOD | params)


def test_percentile_is_nearest_rank() -> None:
    assert percentile([], 0.9) is None
    assert percentile([5], 0.9) == 5
    assert percentile(list(range(1, 11)), 0.9) == 9
    assert percentile([1, 2, 3, 40], 0.9) == 40


def test_the_therapist_sees_recovery_figures_of_their_caseload(cast: SimpleNamespace) -> None:
    client = cast.client
    # Recovered, reliably: PHQ-9 18 → 6 (case at start, below at end, drop 12 ≥ 6).
    finished_course(client, phq9=[18, 12, 6])
    # Not at caseness at start (PHQ-9 8, GAD-7 5): out of the recovery denominator.
    finished_course(client, phq9=[8, 7], gad7=[5, 4])
    # At caseness, reliably worse: PHQ-9 12 → 20.
    finished_course(client, phq9=[12, 20])
    # Finished without paired scores (one PHQ-9 only): counts against completeness.
    finished_course(client, phq9=[15])
    finished_course(client, reason=Episode.CloseReason.DROP_OUT)
    # The colleague's client: not in the therapist's reach.
    finished_course(make_client(cast.clinic, cast.colleague), phq9=[20, 2])
    made = get(cast.therapist).context["made"]
    total = made.total
    assert (total.started, total.finished, total.dropped) == (6, 4, 1)  # cast.episode too
    assert (total.paired, total.at_caseness, total.recovered) == (3, 2, 1)
    assert (total.improved, total.reliably_recovered, total.deteriorated) == (1, 1, 1)
    assert total.recovery_rate == 50.0  # 1 / (3 - 1 not at caseness)
    assert total.improvement_rate == 33.3
    assert total.completeness == 75.0  # 3 of 4 finished


def test_a_correction_takes_the_place_of_the_score_it_corrects(cast: SimpleNamespace) -> None:
    episode = finished_course(cast.client, phq9=[9, 4])
    first = episode_first_response(episode)
    add_response(
        cast.client,
        16,
        session=1,
        context_id=episode.public_id,
        corrects=first,
        when=datetime(2026, 12, 1, tzinfo=UTC),
    )
    total = get(cast.therapist).context["made"].total
    assert (total.paired, total.at_caseness, total.recovered, total.improved) == (1, 1, 1, 1)


def episode_first_response(episode: Episode) -> Any:
    from rapport.measures.models import Response

    return Response.objects.filter(context_id=episode.public_id).order_by("submitted_at").first()


def test_the_admin_sees_the_clinic_without_client_names(cast: SimpleNamespace) -> None:
    finished_course(cast.client, phq9=[18, 6])
    finished_course(cast.colleague_client, phq9=[20, 2])
    page = get(cast.admin, breakdown="therapist")
    made = page.context["made"]
    assert made.total.recovered == 2
    labels = {group.label for group in made.groups}
    assert labels == {"Therapist Tester", "Colleague Tester"}
    body = page.content.decode()
    for client in (cast.client, cast.colleague_client):
        assert client.given_name not in body
        assert client.family_name not in body
    assert 'role="img"' in body
    assert "<title" in body


def test_breakdowns_and_filters(cast: SimpleNamespace) -> None:
    finished_course(cast.client, phq9=[18, 6], area="grief")
    finished_course(cast.client, phq9=[18, 16], area="role_dispute")
    teen = make_client(cast.clinic, cast.therapist, date_of_birth=date(2010, 6, 1))
    finished_course(teen, phq9=[14, 3], area="grief")
    by_area = get(cast.therapist, breakdown="problem_area").context["made"]
    rows = {group.label: (group.finished, group.recovered) for group in by_area.groups}
    assert rows["Grief"] == (2, 2)
    assert rows["Role dispute"] == (1, 0)
    by_age = get(cast.therapist, breakdown="age_group").context["made"]
    ages = {group.label: group.started for group in by_age.groups}
    assert ages == {"Under 18": 1, "26 to 64": 3}  # born 1990, courses from 2026-09-01
    grief = get(cast.therapist, problem_area="grief").context["made"].total
    assert (grief.finished, grief.recovered) == (2, 2)
    teens = get(cast.therapist, age_group="under_18").context["made"].total
    assert (teens.started, teens.finished) == (1, 1)
    months = get(cast.therapist, breakdown="month").context["made"]
    assert [group.label for group in months.groups] == ["2026-09", "2026-11"]


def test_bad_dates_are_refused_with_a_clear_message(cast: SimpleNamespace) -> None:
    page = get(cast.admin, start="2026-05-01", end="2026-04-01")
    assert page.context["made"] is None
    assert "The end date must be on or after the start date." in page.content.decode()
    page = get(cast.admin, start="1800-01-01")
    assert "Enter a date between 1900 and 2100." in page.content.decode()
    assert get(cast.admin, CSV_URL, end="2026-00-40").status_code == 400


def test_waits_from_request_to_first_contact_and_session(cast: SimpleNamespace) -> None:
    asked = datetime(2026, 3, 2, 9, tzinfo=UTC)
    for days_to_contact in (1, 3, 10):
        request = ConsultationRequest.objects.create(
            clinic=cast.clinic, name="Someone", preferred_channel="email", age_group="adult"
        )
        ConsultationRequest.objects.filter(pk=request.pk).update(created_at=asked)
        ContactAttempt.objects.create(
            request=request,
            by=cast.intake,
            at=asked + timedelta(days=days_to_contact),
            channel="email",
            outcome="reached",
        )
    ConsultationRequest.objects.filter(pk=request.pk).update(client=cast.client)  # 10 days
    # cast.note (attended, 2026-09-01) is cast.client's first session.
    made = get(cast.admin).context["made"]
    assert made.requests == 3
    assert (made.to_contact.count, made.to_contact.median, made.to_contact.p90) == (3, 3, 10)
    first_session = (date(2026, 9, 1) - date(2026, 3, 2)).days
    assert (made.to_session.count, made.to_session.median) == (1, first_session)


def test_the_csv_has_the_figures_and_no_client_identifiers(cast: SimpleNamespace) -> None:
    finished_course(cast.client, phq9=[18, 6])
    response = get(cast.admin, CSV_URL, breakdown="problem_area")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="outcomes-2026-01-01-to-2026-12-31.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header = next(row for row in rows if row and row[0] == "Primary problem area")
    grief = next(row for row in rows if row and row[0] == "Grief")
    assert dict(zip(header, grief, strict=True))["Recovery rate (%)"] == "100.0"
    body = response.content.decode()
    assert cast.client.family_name not in body
    assert str(cast.client.public_id) not in body
    assert AuditEvent.objects.filter(action="reports.outcomes.exported").count() == 1


def test_intake_coordinators_are_refused(cast: SimpleNamespace) -> None:
    assert get(cast.intake).status_code == 403
    assert get(cast.intake, CSV_URL).status_code == 403


def test_the_dashboard_links_admins_and_clinicians(cast: SimpleNamespace) -> None:
    home = reverse("core:dashboard")
    for user in (cast.admin, cast.therapist, cast.supervisor):
        assert URL.encode() in signed_in(user).get(home).content
    assert URL.encode() not in signed_in(cast.intake).get(home).content


def test_its_queries_do_not_grow_with_the_courses(cast: SimpleNamespace) -> None:
    finished_course(cast.client, phq9=[18, 6], gad7=[12, 3])
    url = f"{URL}?start=2026-01-01&end=2026-12-31"
    for user in (cast.admin, cast.therapist):
        http = signed_in(user)
        before = page_cost(http, url)
        for _ in range(4):
            client = make_client(cast.clinic, cast.therapist)
            finished_course(client, phq9=[20, 4], gad7=[15, 2])
            finished_course(client, reason=Episode.CloseReason.DROP_OUT)
        after = page_cost(http, url)
        assert after.queries == before.queries
        assert after.decrypted == before.decrypted
