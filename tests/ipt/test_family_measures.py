"""The child's and the parent's SMFQ (variants.md §2.3), and who answered a parent report.

Scoring as PhenX protocol 121702 gives it: 13 items, not true = 0, sometimes = 1,
true = 2, total 0–26, higher = more depressed; no official cut-off (Duke), 12 or more
flagged by default.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from rapport.core.models import AuditEvent
from rapport.ipt.catalogue import Variant
from rapport.ipt.models import Participant, ResponseRespondent
from rapport.measures import engine, instruments
from rapport.measures.instruments.base import Licence
from rapport.measures.models import Response
from tests.factories import csrf_post, make_client, make_episode, signed_in
from tests.measures.admin_helpers import post_data

SMFQ = ("smfq_c", "smfq_p")


def _answers(*values: int) -> dict[str, int]:
    return {f"q{n}": value for n, value in enumerate(values, start=1)}


@pytest.mark.parametrize("code", SMFQ)
def test_smfq_has_13_items_scored_not_true_0_sometimes_1_true_2(code: str) -> None:
    smfq = instruments.get(code)
    assert len(smfq.items) == 13
    assert [(o.value, str(o.label)) for o in smfq.items[0].options] == [
        (0, "Not true"),
        (1, "Sometimes"),
        (2, "True"),
    ]  # §2.3: the catalogue that lists them reversed is wrong
    assert smfq.max_total == 26
    assert not smfq.safety  # no suicidality item: never starts the safety workflow
    assert not smfq.self_harm_items


@pytest.mark.parametrize(
    ("values", "total", "band"),
    [
        ((0,) * 13, 0, "below 12 (no official cut-off)"),
        ((2,) * 13, 26, "12 or more (no official cut-off)"),
        ((1,) * 13, 13, "12 or more (no official cut-off)"),
        # Six "true" answers: 12, the default flag (§2.3 "flag ≥12").
        ((2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0), 12, "12 or more (no official cut-off)"),
        # Five "true" and one "sometimes": 11, below the flag though above the child
        # version's 8 also in use (§2.3).
        ((2, 2, 2, 2, 2, 1, 0, 0, 0, 0, 0, 0, 0), 11, "below 12 (no official cut-off)"),
    ],
)
def test_smfq_sums_its_items_and_flags_twelve_or_more(
    values: tuple[int, ...], total: int, band: str
) -> None:
    for code in SMFQ:
        result = engine.score(instruments.get(code), _answers(*values))
        assert result.total == total
        assert result.band == band


def test_smfq_needs_every_item() -> None:
    with pytest.raises(engine.InvalidAnswers):
        engine.score(instruments.get("smfq_c"), _answers(*(1,) * 12))


def test_smfq_ships_as_the_spec_says_with_its_verify_notes() -> None:
    child, parent = (instruments.get(code) for code in SMFQ)
    assert child.licence == parent.licence == Licence.VERIFY
    assert str(child.item("q1").text) == "I felt miserable or unhappy."
    assert "[VERIFY]" in str(child.licence_note)
    assert "No official cut-off" in str(child.licence_note)
    assert "parent form's wording is not shipped" in str(parent.licence_note)
    assert child.extra["respondent"] == "client"
    assert parent.extra["respondent"] == "parent"


@pytest.fixture
def family(cast: SimpleNamespace) -> SimpleNamespace:
    client = make_client(cast.clinic, cast.therapist, given_name="Ada")
    episode = make_episode(client, variant=Variant.FAMILY_BASED)
    parent = Participant.objects.create(
        episode=episode,
        role="parent_caregiver",
        name="Jon Berg",
        relationship="father",
        contact="555 0102",
        added_by=cast.therapist,
    )
    return SimpleNamespace(client=client, episode=episode, parent=parent)


def _enter(cast: SimpleNamespace, family: SimpleNamespace, code: str, **extra: object):
    url = reverse("ipt:measures_enter", args=[family.episode.public_id, code])
    data = post_data({code: _answers(*(1,) * 13)}) | {"session_number": 1} | extra
    return csrf_post(signed_in(cast.therapist), url, data)


def test_a_parent_report_records_which_parent_answered(
    cast: SimpleNamespace, family: SimpleNamespace
) -> None:
    page = signed_in(cast.therapist).get(
        reverse("ipt:measures_enter", args=[family.episode.public_id, "smfq_p"])
    )
    assert "Answered by" in page.content.decode()
    assert "Jon Berg (father)" in page.content.decode()
    response = _enter(cast, family, "smfq_p", **{"respondent-answered_by": str(family.parent.pk)})
    assert response.status_code == 200
    stored = Response.objects.get(client=family.client, instrument="smfq_p")
    assert stored.total == 13
    assert ResponseRespondent.objects.get(response=stored).participant == family.parent
    assert AuditEvent.objects.filter(action="ipt.response_respondent.recorded").exists()


def test_a_parent_report_without_its_parent_stores_nothing(
    cast: SimpleNamespace, family: SimpleNamespace
) -> None:
    family.parent.remove(cast.therapist)
    response = _enter(cast, family, "smfq_p")
    assert "Add the parent or caregiver" in response.content.decode()
    assert not Response.objects.filter(client=family.client).exists()


def test_a_parent_of_another_episode_cannot_be_named(
    cast: SimpleNamespace, family: SimpleNamespace
) -> None:
    other = Participant.objects.create(
        episode=cast.episode,
        role="parent_caregiver",
        name="Not This Family",
        relationship="mother",
        contact="x",
        added_by=cast.therapist,
    )
    response = _enter(cast, family, "smfq_p", **{"respondent-answered_by": str(other.pk)})
    assert "Select a valid choice" in response.content.decode()
    assert not Response.objects.filter(client=family.client).exists()


def test_the_childs_own_smfq_asks_no_respondent(
    cast: SimpleNamespace, family: SimpleNamespace
) -> None:
    response = _enter(cast, family, "smfq_c")
    assert "Answered by" not in response.content.decode()
    stored = Response.objects.get(client=family.client, instrument="smfq_c")
    assert not ResponseRespondent.objects.filter(response=stored).exists()


def test_the_responses_list_says_a_parent_answered(
    cast: SimpleNamespace, family: SimpleNamespace
) -> None:
    _enter(cast, family, "smfq_p", **{"respondent-answered_by": str(family.parent.pk)})
    _enter(cast, family, "smfq_c")
    page = signed_in(cast.therapist).get(reverse("ipt:measures", args=[family.episode.public_id]))
    assert page.content.decode().count("(answered by a parent)") == 1
