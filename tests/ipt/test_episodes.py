"""Starting an IPT episode and its overview page."""

from __future__ import annotations

from types import SimpleNamespace

from django.urls import reverse

from rapport.core.models import AuditEvent
from rapport.ipt import catalogue
from rapport.ipt.models import Episode
from tests.factories import csrf_post, make_client, make_episode, signed_in


def _start(cast: SimpleNamespace, client, **data: object):
    form = {
        "episode_type": "acute",
        "variant": "standard",
        "started_on": "2026-11-20",
        "confirmed": "True",
    } | data
    url = reverse("ipt:episode_start", args=[client.public_id])
    return csrf_post(signed_in(cast.therapist), url, form)


def test_it_starts_an_episode_with_the_initial_checklist(cast: SimpleNamespace) -> None:
    client = make_client(cast.clinic, cast.therapist)
    response = _start(cast, client, baseline_phq9="18")
    episode = Episode.objects.get(client=client)
    assert response.url == reverse("ipt:episode", args=[episode.public_id])
    assert episode.therapist == cast.therapist
    assert episode.baseline_phq9 == 18
    codes = set(episode.tasks.values_list("code", flat=True))
    assert codes == {task.code for task in catalogue.INITIAL_TASKS}
    assert episode.initial_phase_sessions == 3
    assert episode.termination_phase_sessions == 3
    assert AuditEvent.objects.filter(
        action="ipt.episode.created", subject_id=client.public_id
    ).exists()


def test_it_refuses_a_second_active_episode(cast: SimpleNamespace) -> None:
    response = _start(cast, cast.client)
    assert response.status_code == 200
    assert "already has an active episode" in response.content.decode()
    assert cast.client.episodes.count() == 1


def test_it_explains_bad_input_and_keeps_it(cast: SimpleNamespace) -> None:
    client = make_client(cast.clinic, cast.therapist)
    response = _start(cast, client, baseline_phq9="40", started_on="2030-01-01")
    body = response.content.decode()
    assert "within the next two months" in body
    assert "less than or equal to 27" in body
    assert not client.episodes.exists()


def test_the_overview_shows_phase_and_progress(cast: SimpleNamespace) -> None:
    cast.episode.tasks.filter(code="diagnosis").update(done=True)
    page = signed_in(cast.supervisor).get(reverse("ipt:episode", args=[cast.episode.public_id]))
    body = page.content.decode()
    assert "Initial phase" in body
    assert "1 of 9 initial-phase tasks done" in body
    assert AuditEvent.objects.filter(action="ipt.episode.viewed", actor=cast.supervisor).exists()


def test_ipt_a_episodes_name_the_limited_sick_role(cast: SimpleNamespace) -> None:
    teen = make_client(cast.clinic, cast.therapist)
    episode = make_episode(teen, variant=catalogue.Variant.ADOLESCENT)
    page = signed_in(cast.therapist).get(reverse("ipt:episode", args=[episode.public_id]))
    assert "Limited sick role" in page.content.decode()


def test_the_clinical_tab_lists_episodes_and_offers_a_start(cast: SimpleNamespace) -> None:
    fresh = make_client(cast.clinic, cast.therapist)
    page = signed_in(cast.therapist).get(reverse("clients:clinical", args=[fresh.public_id]))
    assert reverse("ipt:episode_start", args=[fresh.public_id]) in page.content.decode()
    page = signed_in(cast.therapist).get(reverse("clients:clinical", args=[cast.client.public_id]))
    body = page.content.decode()
    assert reverse("ipt:episode", args=[cast.episode.public_id]) in body
    assert reverse("ipt:episode_start", args=[cast.client.public_id]) not in body  # one active
    # Supervisors read their supervisee's clients' episodes but do not start them.
    page = signed_in(cast.supervisor).get(reverse("clients:clinical", args=[fresh.public_id]))
    assert page.status_code == 200
    assert reverse("ipt:episode_start", args=[fresh.public_id]) not in page.content.decode()
