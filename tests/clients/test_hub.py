"""The client record's header on every tab, and the Appointments tab.

The header tells each role what the role table lets it see: intake and admins
see who the client is, the next appointment and that a course runs; clinicians
also see the phase, the session count, open alerts and the latest scores.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse

from rapport.core.models import AuditEvent
from rapport.ipt.models import Contract
from rapport.scheduling.models import Appointment
from tests.factories import make_client, signed_in
from tests.history import past_appointments, phq9_responses, signed_notes
from tests.measures.alerts_helpers import raise_alert, submit_phq9
from tests.page_cost import page_cost

NOW = datetime(2026, 3, 9, 20, tzinfo=UTC)  # 10 March in Auckland, 9 March in Los Angeles


def booked(client, starts_at: datetime, **fields) -> Appointment:
    return Appointment.objects.create(
        clinic_id=client.clinic_id,
        client=client,
        therapist=client.assigned_therapist,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=50),
        **fields,
    )


def contracted(episode, planned: int = 16) -> None:
    Contract.objects.create(
        episode=episode,
        version=1,
        planned_sessions=planned,
        start_on=date(2026, 1, 5),
        expected_end_on=date(2026, 6, 1),
        created_by=episode.therapist,
    )


def tabs(cast: SimpleNamespace) -> dict[str, str]:
    public_id = cast.client.public_id
    return {
        "details": reverse("clients:detail", args=[public_id]),
        "appointments": reverse("scheduling:client_appointments", args=[public_id]),
        "clinical": reverse("clients:clinical", args=[public_id]),
        "history": reverse("measures:score_history", args=[public_id, "phq9"]),
    }


def header(body: str) -> str:
    start = body.index('<section class="client-header"')
    return body[start : body.index("</nav>", start)]


@time_machine.travel(NOW, tick=False)
def test_a_therapist_sees_the_course_the_next_session_alerts_and_scores(
    cast: SimpleNamespace,
) -> None:
    contracted(cast.episode)
    booked(cast.client, datetime(2026, 3, 12, 17, tzinfo=UTC))
    booked(cast.client, datetime(2026, 3, 19, 17, tzinfo=UTC))
    raise_alert(cast.client)
    response = submit_phq9(cast.client, 0, others=2)  # the latest, same minute: later row
    http = signed_in(cast.therapist)
    for name, url in tabs(cast).items():
        top = header(http.get(url).content.decode())
        assert '<span class="badge badge-phase">Initial</span>' in top, name
        assert "session 2 of 16" in top, name
        assert "Thu 12 Mar 2026, 13:00 EDT" in top, name
        assert "1 open alert" in top, name
        assert f"PHQ-9 <strong>{response.total}</strong> ({response.band})" in top
        assert ">Appointments</a>" in top
        assert ">Clinical</a>" in top


@time_machine.travel(NOW, tick=False)
def test_age_counts_in_the_clinics_date_and_times_in_the_viewers_zone(
    cast: SimpleNamespace,
) -> None:
    cast.clinic.time_zone = "Pacific/Auckland"
    cast.clinic.save()
    cast.intake.time_zone = "America/Los_Angeles"
    cast.intake.save()
    client = make_client(cast.clinic, cast.therapist, date_of_birth=date(1990, 3, 10))
    booked(client, datetime(2026, 3, 11, 1, tzinfo=UTC))
    body = signed_in(cast.intake).get(reverse("clients:detail", args=[client.public_id]))
    top = header(body.content.decode())
    assert "36 years" in top  # already 10 March at the clinic, still the 9th for the reader
    assert "Tue 10 Mar 2026, 18:00 PDT" in top


@pytest.mark.parametrize("role", ["intake", "admin"])
@time_machine.travel(NOW, tick=False)
def test_intake_and_admins_see_no_clinical_content(cast: SimpleNamespace, role: str) -> None:
    contracted(cast.episode)
    booked(cast.client, datetime(2026, 3, 12, 17, tzinfo=UTC), kind=Appointment.Kind.CONSULTATION)
    submit_phq9(cast.client, 0, others=2)
    raise_alert(cast.client)
    http = signed_in(getattr(cast, role))
    for name in ("details", "appointments"):
        top = header(http.get(tabs(cast)[name]).content.decode())
        assert "In a course since" in top, name
        assert "Thu 12 Mar 2026, 13:00" in top
        assert "Initial consultation" in top
        for clinical in ("badge-phase", "session 2", "Safety alerts", "Latest scores", "PHQ-9"):
            assert clinical not in top, (name, clinical)
        assert ">Appointments</a>" in top
        assert ">Clinical</a>" not in top
    assert http.get(tabs(cast)["clinical"]).status_code == 403


def test_a_supervisor_sees_the_supervisees_client_header(cast: SimpleNamespace) -> None:
    top = header(signed_in(cast.supervisor).get(tabs(cast)["details"]).content.decode())
    assert "Latest scores" in top
    assert "badge-phase" in top


@pytest.mark.parametrize("role", ["colleague", "outsider"])
def test_out_of_scope_tabs_answer_404(cast: SimpleNamespace, role: str) -> None:
    http = signed_in(getattr(cast, role))
    for name in ("details", "appointments"):
        assert http.get(tabs(cast)[name]).status_code == 404, name


@time_machine.travel(NOW, tick=False)
def test_the_appointments_tab_splits_upcoming_from_past_with_attendance(
    cast: SimpleNamespace,
) -> None:
    booked(cast.client, datetime(2026, 3, 2, 17, tzinfo=UTC), status=Appointment.Status.ATTENDED)
    booked(cast.client, datetime(2026, 3, 5, 17, tzinfo=UTC), status=Appointment.Status.NO_SHOW)
    booked(cast.client, datetime(2026, 3, 9, 9, tzinfo=UTC))  # this morning, not marked
    booked(cast.client, datetime(2026, 3, 16, 17, tzinfo=UTC), status=Appointment.Status.CANCELLED)
    consultation = booked(
        cast.client, datetime(2026, 3, 12, 17, tzinfo=UTC), kind=Appointment.Kind.CONSULTATION
    )
    page = signed_in(cast.intake).get(tabs(cast)["appointments"])
    upcoming = list(page.context["upcoming"].object_list)
    past = list(page.context["page"].object_list)
    assert upcoming == [consultation]
    assert [a.starts_at.day for a in past] == [16, 9, 5, 2]  # the cancelled one is history
    body = page.content.decode()
    assert "Attended" in body
    assert "Did not attend" in body
    assert "Not recorded yet" in body
    assert 'aria-current="page">Appointments</a>' in body
    assert "Times in America/New_York." in body


def test_both_lists_page_on_their_own(cast: SimpleNamespace) -> None:
    past_appointments(cast.client, 45)  # weekly from 2024, all still to come in 2023
    cast.client.appointments.update(status=Appointment.Status.BOOKED)
    with time_machine.travel(datetime(2023, 1, 1, tzinfo=UTC), tick=False):
        page = signed_in(cast.therapist).get(tabs(cast)["appointments"], {"upcoming": 3})
    assert page.context["upcoming"].number == 3
    assert len(page.context["upcoming"].object_list) == 5
    assert page.context["page"].number == 1
    body = page.content.decode()
    assert 'aria-label="Pages of upcoming appointments"' in body
    assert "?upcoming=2#upcoming-heading" in body


def test_far_past_and_far_future_dates(cast: SimpleNamespace) -> None:
    booked(cast.client, datetime(1900, 1, 2, 9, tzinfo=UTC), status=Appointment.Status.ATTENDED)
    booked(cast.client, datetime(2100, 12, 30, 9, tzinfo=UTC))
    http = signed_in(cast.therapist)
    top = header(http.get(tabs(cast)["details"]).content.decode())
    assert "Thu 30 Dec 2100, 04:00" in top
    body = http.get(tabs(cast)["appointments"]).content.decode()
    assert "Tue 2 Jan 1900, 04:00" in body
    assert "Thu 30 Dec 2100, 04:00" in body


@pytest.mark.parametrize("role", ["therapist", "intake"])
def test_no_tab_costs_more_with_a_longer_history(cast: SimpleNamespace, role: str) -> None:
    """3 or 60 appointments, responses and notes: every tab costs the same."""
    contracted(cast.episode)
    http = signed_in(getattr(cast, role))
    urls = tabs(cast)
    if role == "intake":
        del urls["clinical"], urls["history"]
    past_appointments(cast.client, 3)
    phq9_responses(cast.client, 3)
    signed_notes(cast.episode, 3)
    with time_machine.travel(datetime(2023, 6, 1, tzinfo=UTC)):
        small = {name: page_cost(http, url) for name, url in urls.items()}
    past_appointments(cast.client, 57)
    phq9_responses(cast.client, 57)
    signed_notes(cast.episode, 57, first=5)
    with time_machine.travel(datetime(2023, 6, 1, tzinfo=UTC)):
        large = {name: page_cost(http, url) for name, url in urls.items()}
    assert large == small
    # The header opens nothing encrypted: these tabs show no clinical text.
    assert small["details"].decrypted == small["appointments"].decrypted == 0


def test_the_scores_in_the_header_are_an_audited_read_once_a_page(cast: SimpleNamespace) -> None:
    submit_phq9(cast.client, 0, others=1)
    viewed = AuditEvent.objects.filter(
        action="measures.outcomes.viewed", subject_id=cast.client.public_id
    )
    http = signed_in(cast.therapist)
    for name in ("details", "clinical"):
        before = viewed.count()
        http.get(tabs(cast)[name])
        assert viewed.count() == before + 1, name
    signed_in(cast.intake).get(tabs(cast)["details"])  # intake sees no scores: no read
    assert viewed.count() == 2


@time_machine.travel(NOW, tick=False)
def test_a_hold_counts_while_it_lasts_and_a_lapsed_one_nowhere(cast: SimpleNamespace) -> None:
    held = Appointment.Status.HELD
    live = booked(
        cast.client, NOW + timedelta(days=3), status=held, held_until=NOW + timedelta(minutes=5)
    )
    booked(cast.client, NOW + timedelta(days=1), status=held, held_until=NOW - timedelta(minutes=1))
    page = signed_in(cast.intake).get(tabs(cast)["appointments"])
    assert list(page.context["upcoming"].object_list) == [live]
    assert list(page.context["page"].object_list) == []
    assert "Held for confirmation" in header(page.content.decode())
