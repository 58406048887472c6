"""Property: no path stores a positive safety answer without its alert (safety.md §5.1).

Over the e-mailed link and in-session entry, with their completions, and any
answer set (questions left out at random, values at random, item 9 positive or
not): every stored response's positive safety answer has its alert when the
transaction that stored it commits, and a positive item 9 is always stored with
its alert and answered with crisis resources — never "errors, nothing stored".
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from rapport.measures import instruments, invitations
from rapport.measures.models import Invitation
from tests.factories import signed_in
from tests.measures.safety_paths import (
    SafetyWitness,
    answer_sets,
    assert_kept,
    complete_in_session,
    new_link,
    positive,
    submit_in_session,
    submit_link,
)

pytestmark = pytest.mark.django_db(transaction=True)

PHQ9, GAD7 = instruments.get("phq9"), instruments.get("gad7")
CRISIS = "This form is not monitored in real time."
EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
LINK_ANSWERS = st.fixed_dictionaries({"phq9": answer_sets(PHQ9), "gad7": answer_sets(GAD7)})


def _then(first: dict[str, int], later: dict[str, int]) -> dict[str, int]:
    """What the person sends the second time: the first answers, and more for the rest."""
    return first | {key: value for key, value in later.items() if key not in first}


def _outcome(stored: list) -> str:
    """How a submission ended, for the statistics (--hypothesis-show-statistics)."""
    if not stored:
        return "nothing stored"
    return "stored incomplete" if any(not r.complete for r in stored) else "stored complete"


@EXAMPLES
@given(first=LINK_ANSWERS, later=LINK_ANSWERS)
def test_it_never_stores_a_safety_answer_without_its_alert_through_the_link(
    cast: SimpleNamespace, first: dict, later: dict
) -> None:
    url = new_link(cast.client, cast.episode)
    with SafetyWitness() as witness:
        mark = witness.mark()
        page = submit_link(url, first)
        if positive(PHQ9, first["phq9"]):
            assert page.status_code == 200
            assert CRISIS in page.content.decode()
            assert_kept(witness.stored_since(mark), "phq9")
        event(_outcome(witness.stored_since(mark)))
        link = Invitation.objects.order_by("pk").last()
        if invitations.state(link) == invitations.UNFINISHED:
            mark = witness.mark()
            second = {code: _then(first[code], later[code]) for code in first}
            page = submit_link(url, second)
            assert page.status_code == 200
            assert CRISIS in page.content.decode()  # item 9 was positive: help, every page
    witness.verify()


@EXAMPLES
@given(first=answer_sets(PHQ9), later=answer_sets(PHQ9))
def test_it_never_stores_a_safety_answer_without_its_alert_in_session(
    cast: SimpleNamespace, first: dict, later: dict
) -> None:
    http = signed_in(cast.therapist)
    http.get(reverse("ipt:measures_enter", args=[cast.episode.public_id, "phq9"]))
    with SafetyWitness() as witness:
        mark = witness.mark()
        page = submit_in_session(http, cast.episode, "phq9", first)
        assert page.status_code == 200
        if positive(PHQ9, first):
            assert CRISIS in page.content.decode()
            assert_kept(witness.stored_since(mark), "phq9")
        event(_outcome(witness.stored_since(mark)))
        pending = [r for r in witness.stored_since(mark) if not r.complete]
        for response in pending:  # the clinician completes it later
            page = complete_in_session(http, cast.episode, response, _then(first, later))
            assert page.status_code == 200
    witness.verify()
