"""Problem-area suggestions (§1.4, §1.6): each rule, its reason, the ranking, the limits."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.ipt import demo
from rapport.ipt.catalogue import ProblemArea
from rapport.ipt.models import ClosenessRating, InventoryPerson, TimelineEvent
from rapport.ipt.suggestions import rank, relative_to_onset, review, suggest
from tests.factories import make_client, make_episode

START = date(2026, 9, 1)
Relationship = InventoryPerson.Relationship


def _person(cast: SimpleNamespace, ring: int | None = None, **fields: object) -> InventoryPerson:
    fields.setdefault("name", "Alex")
    fields.setdefault("relationship", Relationship.FRIEND)
    person = InventoryPerson.objects.create(episode=cast.episode, **fields)
    if ring is not None:
        ClosenessRating.objects.create(
            person=person, ring=ring, rated_on=START, rated_by=cast.therapist
        )
    return person


def _event(cast: SimpleNamespace, **fields: object) -> TimelineEvent:
    fields.setdefault("occurred_on", START - timedelta(days=30))
    fields.setdefault("title", "Something happened")
    return TimelineEvent.objects.create(episode=cast.episode, **fields)


def _areas(cast: SimpleNamespace) -> list[str]:
    return [s.area for s in suggest(cast.episode)]


def test_it_suggests_nothing_when_the_inventory_and_timeline_are_empty(
    cast: SimpleNamespace,
) -> None:
    assert suggest(cast.episode) == []


def test_it_never_suggests_deficits_from_an_empty_inventory(cast: SimpleNamespace) -> None:
    _event(cast, title="A quiet month")
    assert suggest(cast.episode) == []


def test_grief_fires_for_a_death_near_the_onset(cast: SimpleNamespace) -> None:
    _person(
        cast,
        name="Rosa",
        relationship=Relationship.PARENT,
        deceased=True,
        died_on=START - timedelta(days=100),
    )
    (only,) = suggest(cast.episode)
    assert only.area == ProblemArea.GRIEF
    assert only.reasons == ["The client's parent (Rosa) died near the onset of the depression."]


def test_grief_fires_for_a_death_marked_as_linked_to_the_onset(cast: SimpleNamespace) -> None:
    _person(cast, name="Rosa", deceased=True, died_on=date(2019, 1, 1), linked_to_onset=True)
    (only,) = suggest(cast.episode)
    assert only.reasons == [
        "The death of the client's friend (Rosa) is marked as linked to the onset."
    ]


def test_grief_ignores_a_death_long_before_the_onset(cast: SimpleNamespace) -> None:
    _person(cast, deceased=True, died_on=date(2010, 5, 1), ring=2)
    _person(cast, name="Kim", ring=1)
    assert suggest(cast.episode) == []


def test_the_onset_is_the_earliest_event_marked_as_onset(cast: SimpleNamespace) -> None:
    # Two years before the episode: only near the marked onset, not near the start.
    _event(cast, occurred_on=date(2024, 6, 1), is_onset=True)
    _person(cast, deceased=True, died_on=date(2024, 4, 1))
    assert _areas(cast) == [ProblemArea.GRIEF]


def test_role_dispute_fires_for_non_reciprocal_expectations_with_someone_significant(
    cast: SimpleNamespace,
) -> None:
    _person(
        cast, name="Sam", relationship=Relationship.PARTNER, reciprocity="non_reciprocal", ring=1
    )
    (only,) = suggest(cast.episode)
    assert only.area == ProblemArea.ROLE_DISPUTE
    assert only.reasons == ["Expectations with Sam (partner or spouse) are not reciprocal."]


def test_role_dispute_ignores_a_distant_acquaintance_and_the_dead(cast: SimpleNamespace) -> None:
    _person(
        cast,
        name="Colleague",
        relationship=Relationship.COLLEAGUE,
        reciprocity="non_reciprocal",
        ring=3,
    )
    _person(
        cast,
        name="Late father",
        relationship=Relationship.PARENT,
        reciprocity="non_reciprocal",
        deceased=True,
    )
    _person(cast, name="Kim", ring=1)
    assert _areas(cast) == []


def test_role_transition_fires_for_a_major_change_near_the_onset(cast: SimpleNamespace) -> None:
    _event(cast, title="Moved to Leeds", occurred_on=date(2026, 5, 2), major_change=True)
    _event(cast, title="Old move", occurred_on=date(2020, 5, 2), major_change=True)
    (only,) = suggest(cast.episode)
    assert only.area == ProblemArea.ROLE_TRANSITION
    # No event marked as onset: the episode's start (1 September) stands in for it.
    assert only.reasons == [
        "A major life change near the onset: Moved to Leeds, 4 months before the onset."
    ]


def test_it_says_why_each_other_area_was_not_suggested(cast: SimpleNamespace) -> None:
    _event(cast, title="Moved to Leeds", occurred_on=date(2026, 5, 2), major_change=True)
    _person(cast, name="Rosa", deceased=True, died_on=date(2001, 1, 1), ring=2)
    _person(cast, name="Kim", ring=3, reciprocity="non_reciprocal")
    fired, others = review(cast.episode)
    assert [s.area for s in fired] == [ProblemArea.ROLE_TRANSITION]
    assert {s.area: s.reasons for s in others} == {
        ProblemArea.GRIEF: [
            "Rosa died, but not near the onset, and the death is not marked as linked to it."
        ],
        ProblemArea.ROLE_DISPUTE: [
            "Expectations with Kim are not reciprocal, but Kim is neither close (rings 1–2) "
            "nor linked to the onset."
        ],
        ProblemArea.INTERPERSONAL_DEFICITS: ["Considered only when no other problem area applies."],
    }


def test_it_says_when_a_marked_change_falls_outside_the_window(cast: SimpleNamespace) -> None:
    _event(cast, title="Onset", occurred_on=date(2026, 6, 1), is_onset=True)
    _event(cast, title="Old move", occurred_on=date(2024, 6, 1), major_change=True)
    _, others = review(cast.episode)
    why = {s.area: s.reasons[0] for s in others}
    assert why[ProblemArea.ROLE_TRANSITION] == (
        "Old move is marked as a major life change, but it was 24 months before the onset: "
        "the window is a year before to three months after."
    )
    assert why[ProblemArea.GRIEF] == "Nobody in the inventory has died."


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (date(2026, 6, 1), "at the onset"),
        (date(2026, 5, 31), "1 day before the onset"),
        (date(2026, 6, 22), "3 weeks after the onset"),
        (date(2026, 4, 1), "2 months before the onset"),
    ],
)
def test_it_words_the_time_from_the_onset(day: date, words: str) -> None:
    assert relative_to_onset(day, date(2026, 6, 1)) == words


def test_deficits_fire_only_when_nothing_else_and_nobody_is_in_the_inner_circle(
    cast: SimpleNamespace,
) -> None:
    _person(cast, name="Kim", ring=3)
    _person(cast, name="Lee", ring=2)
    (only,) = suggest(cast.episode)
    assert only.area == ProblemArea.INTERPERSONAL_DEFICITS
    assert only.reasons == [
        "Nobody is in the client's inner circle, and no grief, dispute or transition stands out."
    ]


def test_deficits_need_a_rated_circle(cast: SimpleNamespace) -> None:
    _person(cast, name="Kim", ring=3)
    _person(cast, name="Unrated")
    assert suggest(cast.episode) == []


def test_deficits_do_not_fire_with_someone_in_the_inner_circle(cast: SimpleNamespace) -> None:
    _person(cast, name="Kim", ring=1)
    assert suggest(cast.episode) == []


def test_deficits_give_way_to_any_other_area(cast: SimpleNamespace) -> None:
    _person(cast, name="Kim", ring=3)
    _event(cast, major_change=True)
    assert _areas(cast) == [ProblemArea.ROLE_TRANSITION]


def test_it_ranks_by_the_number_of_reasons_then_protocol_order(cast: SimpleNamespace) -> None:
    _person(cast, name="Rosa", deceased=True, died_on=START - timedelta(days=10))
    for name in ("Sam", "Jo"):
        _person(cast, name=name, relationship=Relationship.PARTNER, reciprocity="non_reciprocal")
    _event(cast, major_change=True)
    suggestions = suggest(cast.episode)
    assert [s.area for s in suggestions] == ["role_dispute", "grief", "role_transition"]
    assert [s.strength for s in suggestions] == [2, 1, 1]


def test_it_loads_the_inventory_in_a_fixed_number_of_queries(
    cast: SimpleNamespace, django_assert_num_queries
) -> None:
    for n in range(10):
        _person(cast, name=f"P{n}", ring=2)
    # people, timeline, intake rings
    with django_assert_num_queries(3):
        suggest(cast.episode)


# Property: over any inventory, the rules keep their promises.
people_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "relationship": st.sampled_from(Relationship.values),
            "reciprocity": st.sampled_from(InventoryPerson.Reciprocity.values),
            "deceased": st.booleans(),
            "died_offset": st.none() | st.integers(-2000, 400),
            "linked_to_onset": st.booleans(),
            "ring": st.none() | st.integers(1, 3),
        }
    ),
    max_size=6,
)
events_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "offset": st.integers(-2000, 400),
            "major_change": st.booleans(),
            "is_onset": st.booleans(),
        }
    ),
    max_size=5,
)


def _build(people: list[dict], events: list[dict]) -> tuple[list, list, dict[int, int]]:
    built_people, rings = [], {}
    for pk, spec in enumerate(people, start=1):
        died = (
            START + timedelta(days=spec["died_offset"]) if spec["died_offset"] is not None else None
        )
        built_people.append(
            InventoryPerson(
                pk=pk,
                name=f"Person {pk}",
                relationship=spec["relationship"],
                reciprocity=spec["reciprocity"],
                deceased=spec["deceased"],
                died_on=died,
                linked_to_onset=spec["linked_to_onset"],
            )
        )
        if spec["ring"] is not None:
            rings[pk] = spec["ring"]
    built_events = [
        TimelineEvent(
            pk=n,
            title=f"Event {n}",
            occurred_on=START + timedelta(days=spec["offset"]),
            major_change=spec["major_change"],
            is_onset=spec["is_onset"],
        )
        for n, spec in enumerate(events, start=1)
    ]
    return built_people, built_events, rings


@settings(max_examples=300, deadline=None)
@given(people_strategy, events_strategy)
def test_suggestions_keep_their_promises_for_any_inventory(
    people: list[dict], events: list[dict]
) -> None:
    built_people, built_events, rings = _build(people, events)
    suggestions = rank(built_people, built_events, rings, started_on=START)
    areas = [s.area for s in suggestions]
    # Every suggestion explains itself, and no area appears twice.
    assert all(s.reasons for s in suggestions)
    assert len(areas) == len(set(areas))
    # Deficits are "none of the above", never beside another area.
    if ProblemArea.INTERPERSONAL_DEFICITS in areas:
        assert areas == [ProblemArea.INTERPERSONAL_DEFICITS]
        assert all(rings.get(p.pk, 1) > 1 for p in built_people if not p.deceased)
    # Stronger first; ties in protocol order.
    keys = [(-s.strength, ProblemArea.values.index(s.area)) for s in suggestions]
    assert keys == sorted(keys)
    # Without anyone in the inventory or any event, there is nothing to suggest.
    if not built_people and not built_events:
        assert suggestions == []
    # Grief needs a death; a dispute needs a living person.
    if not any(p.deceased for p in built_people):
        assert ProblemArea.GRIEF not in areas
    if not any(not p.deceased for p in built_people):
        assert ProblemArea.ROLE_DISPUTE not in areas


# The "near onset" window at its documented bounds: ipt-protocol.md §1.3 task 6 and
# §1.6 ask for changes "proximal to the onset of symptoms"; rapport/ipt/suggestions.py
# reads that [GK] as from 365 days before the onset to 90 days after it, inclusive.
ONSET = date(2025, 6, 15)
WINDOW_EDGES = [
    (-366, False),
    (-365, True),
    (0, True),
    (90, True),
    (91, False),
]


def _onset_event() -> TimelineEvent:
    return TimelineEvent(pk=1, occurred_on=ONSET, title="Low mood began", is_onset=True)


@pytest.mark.parametrize(("offset", "near"), WINDOW_EDGES)
def test_grief_window_ends_exactly_at_its_documented_bounds(offset: int, near: bool) -> None:
    died = InventoryPerson(
        pk=7,
        name="Rosa",
        relationship=Relationship.PARENT,
        deceased=True,
        died_on=ONSET + timedelta(days=offset),
    )
    areas = [s.area for s in rank([died], [_onset_event()], {}, started_on=START)]
    assert (ProblemArea.GRIEF in areas) is near, offset


@pytest.mark.parametrize(("offset", "near"), WINDOW_EDGES)
def test_transition_window_ends_exactly_at_its_documented_bounds(offset: int, near: bool) -> None:
    change = TimelineEvent(
        pk=2,
        occurred_on=ONSET + timedelta(days=offset),
        title="Moved abroad for work",
        major_change=True,
    )
    areas = [s.area for s in rank([], [_onset_event(), change], {}, started_on=START)]
    assert (ProblemArea.ROLE_TRANSITION in areas) is near, offset


@pytest.mark.parametrize("course", [*demo.ACUTE, demo.FINISHED], ids=lambda c: c.client)
def test_the_demo_s_suggestions_lead_with_the_area_its_therapist_chose(
    cast: SimpleNamespace, course: demo.Course
) -> None:
    episode = make_episode(make_client(cast.clinic, cast.therapist))
    demo._initial_phase(episode, course, started=episode.started_on)
    fired, _ = review(episode)
    assert fired[0].area == course.area, [(s.area, s.reasons) for s in fired]
