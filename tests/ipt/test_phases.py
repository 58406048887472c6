"""§1.2: phase boundaries stored per episode; defaults initial 1–3, termination last 3."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from rapport.ipt import variants
from rapport.ipt.catalogue import EpisodeType, Phase, Variant
from rapport.ipt.models import Contract, Episode, SessionNote
from rapport.ipt.models.episodes import SessionAttendance
from tests.factories import make_note


@given(
    initial=st.integers(1, 6),
    termination=st.integers(1, 6),
    planned=st.integers(8, 20),
    number=st.integers(1, 20),
)
def test_it_places_every_session_in_exactly_one_phase(
    initial: int, termination: int, planned: int, number: int
) -> None:
    episode = Episode(initial_phase_sessions=initial, termination_phase_sessions=termination)
    phase = episode.phase_for_session(number, planned)
    if number <= initial:
        assert phase == Phase.INITIAL
    elif number > planned - termination:
        assert phase == Phase.TERMINATION
    else:
        assert phase == Phase.MIDDLE


def test_the_defaults_follow_the_protocol() -> None:
    episode = Episode()
    phases = [episode.phase_for_session(n, 12) for n in range(1, 13)]
    assert phases == [Phase.INITIAL] * 3 + [Phase.MIDDLE] * 6 + [Phase.TERMINATION] * 3


def test_without_a_contract_there_is_no_termination_yet() -> None:
    assert Episode().phase_for_session(30, None) == Phase.MIDDLE


def test_closed_and_maintenance_episodes_have_their_own_phase() -> None:
    assert Episode(status=Episode.Status.CLOSED).phase_for_session(5, 12) == Phase.CLOSED
    maintenance = Episode(episode_type=EpisodeType.MAINTENANCE)
    assert maintenance.phase_for_session(1, 12) == Phase.MAINTENANCE


def test_only_attended_sessions_move_the_phase_on(cast: SimpleNamespace) -> None:
    episode = cast.episode  # has note 1 (attended) from the cast
    make_note(episode, 2, attendance=SessionAttendance.NO_SHOW)
    make_note(episode, 3, attendance=SessionAttendance.CANCELLED)
    make_note(episode, 4)
    assert episode.sessions_held() == 2
    assert episode.current_phase() == Phase.INITIAL  # the next is session 3
    make_note(episode, 5)
    Contract.objects.create(
        episode=episode,
        version=1,
        planned_sessions=6,
        start_on=date(2026, 9, 1),
        expected_end_on=date(2026, 10, 13),
        created_by=cast.therapist,
    )
    assert episode.current_phase() == Phase.TERMINATION  # session 4 of 6: last three
    assert SessionNote.objects.filter(episode=episode).count() == 5


def test_planned_sessions_default_by_severity() -> None:
    # §4.2: PHQ-9 ≥ 16 or clinician-rated severe → 16, otherwise 12; IPT-A always 12.
    standard, adolescent = variants.get(Variant.STANDARD), variants.get(Variant.ADOLESCENT)
    assert standard.default_planned(phq9=15, clinician_severe=False) == 12
    assert standard.default_planned(phq9=16, clinician_severe=False) == 16
    assert standard.default_planned(phq9=None, clinician_severe=True) == 16
    assert adolescent.default_planned(phq9=22, clinician_severe=True) == 12
