"""Property: the public self-screen never drops a positive item 9 (safety.md §5.1).

The consultation form's optional PHQ-9 is one more path in tests/measures/safety_paths.py.
Over any answer set (questions left out at random, values at random, item 9 positive
or not): every stored self-screen's positive answer has its alert when the request's
transaction commits; a positive item 9 is always stored, complete or not, with the
request (urgent), its alert held by intake, and answered with crisis resources.
"""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, event, given, settings

from rapport.intake import services
from rapport.intake.models import ConsultationRequest
from rapport.measures import instruments
from rapport.measures.models import SafetyAlert
from tests.intake.public_helpers import URL, details
from tests.measures.safety_paths import (
    SafetyWitness,
    answer_sets,
    assert_kept,
    csrf_client,
    positive,
)

pytestmark = pytest.mark.django_db(transaction=True)

PHQ9 = instruments.get("phq9")
CRISIS = "help is available right now"
EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# One address per submission: the per-address limit must not be what refuses it.
_addresses = (f"10.8.{n // 250}.{n % 250 + 1}" for n in itertools.count())


def submit_self_screen(answers: dict[str, int]) -> object:
    """The public consultation form, its details valid, with this self-screen."""
    http = csrf_client()
    token = http.cookies["csrftoken"].value
    screen = {f"phq9-{key}": str(value) for key, value in answers.items()}
    data = details() | screen | {"csrfmiddlewaretoken": token}
    return http.post(URL, data, REMOTE_ADDR=next(_addresses))


@EXAMPLES
@given(answers=answer_sets(PHQ9))
def test_it_never_drops_a_positive_item_9_sent_with_a_consultation_request(
    cast: SimpleNamespace, answers: dict[str, int]
) -> None:
    before = set(ConsultationRequest.objects.values_list("pk", flat=True))
    with SafetyWitness() as witness:
        mark = witness.mark()
        page = submit_self_screen(answers)
        assert page.status_code == 200
        stored = witness.stored_since(mark)
        made = ConsultationRequest.objects.exclude(pk__in=before)
        if positive(PHQ9, answers):
            assert CRISIS in page.content.decode()
            assert_kept(stored, "phq9")
            request = made.get()
            assert request.urgent
            screen = services.self_screen(request)
            assert screen in stored
            held = SafetyAlert.objects.of_subject(request.public_id)
            assert held.filter(client=None, owner=None, status="open").exists()
            event("positive: complete" if screen.complete else "positive: incomplete")
        elif made.exists():
            # Sent without a safety answer: stored finished (or not at all), never alerted.
            assert all(response.complete for response in stored)
            assert not made.get().urgent
            event("negative: stored" if stored else "no self-screen")
        else:
            assert not stored  # refused with its errors: nothing kept
            event("negative: refused")
    witness.verify()
