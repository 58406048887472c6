"""The demo clinic has an episode of every individual adult manual (issue 15 item 8),
each with a session-1 baseline of the measures its schedule applies (variants.py)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from rapport.ipt import variants
from rapport.ipt.catalogue import Variant
from rapport.ipt.models import Episode
from rapport.measures.models import PhysicalObservation, Response, SafetyAlert

MANUALS = (
    Variant.EATING_DISORDERS,
    Variant.PTSD,
    Variant.SOCIAL_ANXIETY,
    Variant.PERINATAL,
    Variant.STUART_ROBERTSON,
)


@pytest.fixture
def demo(db) -> StringIO:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out


def test_it_opens_one_episode_of_each_manual_with_a_baseline_of_its_measures(
    demo: StringIO,
) -> None:
    for code in MANUALS:
        episode = Episode.objects.get(variant=code)
        baseline = Response.objects.filter(context_id=episode.public_id, session_number=1)
        scheduled = {instrument for instrument, _ in variants.get(code).schedule_rows()}
        assert scheduled, code
        assert set(baseline.values_list("instrument", flat=True)) == scheduled, code
        assert all(response.complete for response in baseline)
    ptsd = Episode.objects.get(variant=Variant.PTSD)
    assert Response.objects.filter(context_id=ptsd.public_id, instrument="pcl5").exists()


def test_the_eating_disorder_client_has_physical_observations_and_no_alert(
    demo: StringIO,
) -> None:
    client = Episode.objects.get(variant=Variant.EATING_DISORDERS).client
    assert PhysicalObservation.objects.filter(client=client).count() == 2
    assert not SafetyAlert.objects.filter(client=client).exists()


def test_it_adds_them_once(demo: StringIO) -> None:
    episodes = Episode.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert Episode.objects.count() == episodes
