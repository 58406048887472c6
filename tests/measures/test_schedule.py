"""The measurement schedule: defaults per variant and focus, editing, what is due."""

from __future__ import annotations

from types import SimpleNamespace

from django.urls import reverse

from rapport.core.models import AuditEvent
from rapport.ipt.catalogue import ProblemArea, Variant
from rapport.measures import schedule
from rapport.measures.models import MeasuresSettings, ScheduledMeasure
from tests.factories import csrf_post, make_client, make_episode, signed_in

Cadence = ScheduledMeasure.Cadence


def _codes(context_id) -> dict[str, str]:
    return {row.instrument: row.cadence for row in schedule.rows_for(context_id)}


def test_it_gives_an_adult_episode_phq9_and_gad7_every_session(cast: SimpleNamespace) -> None:
    assert _codes(cast.episode.public_id) == {
        "phq9": Cadence.EVERY_SESSION,
        "gad7": Cadence.EVERY_SESSION,
    }


def test_it_gives_an_adolescent_episode_phqa_every_session(cast: SimpleNamespace) -> None:
    teen = make_client(cast.clinic, cast.therapist)
    episode = make_episode(teen, variant=Variant.ADOLESCENT)
    assert _codes(episode.public_id) == {"phqa": Cadence.EVERY_SESSION}


def test_it_adds_hrsd17_at_start_and_end_when_the_clinic_enables_it(
    cast: SimpleNamespace,
) -> None:
    MeasuresSettings.objects.update_or_create(clinic=cast.clinic, defaults={"hrsd_enabled": True})
    episode = make_episode(make_client(cast.clinic, cast.therapist))
    assert _codes(episode.public_id)["hrsd17"] == Cadence.START_AND_END


def test_it_recommends_the_grief_measure_at_start_and_end_for_a_grief_focus() -> None:
    rows = schedule.default_schedule(adolescent=False, grief=True)
    assert ("pg13r", Cadence.START_AND_END) in rows
    assert ("pg13r", Cadence.START_AND_END) not in schedule.default_schedule(adolescent=False)


def test_it_adds_the_grief_measure_once_grief_is_the_focus(cast: SimpleNamespace) -> None:
    cast.episode.primary_problem_area = ProblemArea.GRIEF
    cast.episode.save()
    http = signed_in(cast.therapist)
    page = http.get(reverse("ipt:measures", args=[cast.episode.public_id]))
    assert b"Add the grief measure" in page.content
    csrf_post(http, reverse("ipt:measures_schedule_defaults", args=[cast.episode.public_id]))
    assert _codes(cast.episode.public_id)["pg13r"] == Cadence.START_AND_END


def test_it_knows_what_each_cadence_asks_for() -> None:
    every_fourth = [n for n in range(1, 14) if schedule.is_due(Cadence.EVERY_FOURTH, n, 12)]
    assert every_fourth == [1, 5, 9, 13]
    start_end = [n for n in range(1, 17) if schedule.is_due(Cadence.START_AND_END, n, 16)]
    assert start_end == [1, 16]
    assert schedule.is_due(Cadence.START_AND_END, 12, None) is False
    assert all(schedule.is_due(Cadence.EVERY_SESSION, n, None) for n in range(1, 20))


def test_it_lets_the_therapist_change_a_cadence_and_remove_an_instrument(
    cast: SimpleNamespace,
) -> None:
    http = signed_in(cast.therapist)
    args = [cast.episode.public_id]
    csrf_post(
        http,
        reverse("ipt:measures_schedule", args=args),
        {"instrument": "gad7", "cadence": Cadence.EVERY_FOURTH},
    )
    assert _codes(cast.episode.public_id)["gad7"] == Cadence.EVERY_FOURTH
    csrf_post(http, reverse("ipt:measures_schedule_remove", args=[*args, "gad7"]))
    assert "gad7" not in _codes(cast.episode.public_id)
    # A removed default stays removed when defaults are applied again.
    schedule.apply_defaults(cast.client, cast.episode.public_id, adolescent=False)
    assert "gad7" not in _codes(cast.episode.public_id)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"measures.schedule.updated", "measures.schedule.removed"} <= actions


def test_it_refuses_an_unknown_instrument_and_changes_nothing(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    before = _codes(cast.episode.public_id)
    response = csrf_post(
        http,
        reverse("ipt:measures_schedule", args=[cast.episode.public_id]),
        {"instrument": "oq45", "cadence": "weekly"},
    )
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content
    assert _codes(cast.episode.public_id) == before


def test_it_lists_due_instruments_for_a_session(cast: SimpleNamespace) -> None:
    schedule.set_measure(cast.client, cast.episode.public_id, "hrsd17", Cadence.START_AND_END)
    due_first = [i.code for i in schedule.due_instruments(cast.episode.public_id, 1, 12)]
    due_third = [i.code for i in schedule.due_instruments(cast.episode.public_id, 3, 12)]
    assert due_first == ["phq9", "gad7", "hrsd17"]
    assert due_third == ["phq9", "gad7"]
    remote = schedule.remote_instruments(schedule.due_instruments(cast.episode.public_id, 1, 12))
    assert [i.code for i in remote] == ["phq9", "gad7"]  # clinician-rated stays in session
