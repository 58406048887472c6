"""Saving checklist tasks with JavaScript on (htmx): every initial-phase and termination task.

htmx sends ``HX-Request: true``; both checklists answer with the one task they saved
(the initial phase's with its facts), and the progress out of band; the termination
checklist also sends its "Closing the episode" panel, which lists what is left to tick.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import reverse

from rapport.ipt import catalogue, services
from rapport.ipt.forms.initial import task_fingerprint
from rapport.ipt.models import Episode, InventoryPerson, TimelineEvent
from rapport.ipt.views.termination import termination_tasks
from tests.factories import csrf_post, signed_in
from tests.ipt.test_termination import in_termination, task_data, task_url

INITIAL_CODES = [task.code for task in catalogue.INITIAL_TASKS]
TERMINATION_CODES = [task.code for task in catalogue.TERMINATION_TASKS]
HTMX = {"HTTP_HX_REQUEST": "true"}


def _save_initial(cast: SimpleNamespace, code: str, note: str) -> str:
    row = cast.episode.tasks.get(code=code)
    data = {f"{code}-seen": task_fingerprint(row), f"{code}-note": note, f"{code}-done": "on"}
    url = reverse("ipt:initial_task", args=[cast.episode.public_id, code])
    response = csrf_post(signed_in(cast.therapist), url, data, **HTMX)
    assert response.status_code == 200, response.content.decode()[:2000]
    return response.content.decode()


@pytest.mark.parametrize("code", INITIAL_CODES)
def test_it_saves_each_initial_task_by_htmx_on_an_untouched_episode(
    cast: SimpleNamespace, code: str
) -> None:
    label = str(catalogue.TASKS_BY_CODE[code].label)
    html = _save_initial(cast, code, f"Covered: {code}.")
    assert html.lstrip().startswith(f'<li class="task task-done" id="task-{code}">')
    assert f"Saved: {label}." in html
    assert f"Covered: {code}." in html
    assert "1 of 9 initial-phase tasks done" in html
    row = cast.episode.tasks.get(code=code)
    assert row.done
    assert row.note == f"Covered: {code}."


def test_it_shows_the_same_facts_after_an_htmx_save_as_on_the_page(
    cast: SimpleNamespace,
) -> None:
    InventoryPerson.objects.create(episode=cast.episode, name="Sam", relationship="partner")
    for day in (date(2026, 3, 1), date(2026, 4, 1)):
        TimelineEvent.objects.create(episode=cast.episode, occurred_on=day, title="Moved")
    Episode.objects.filter(pk=cast.episode.pk).update(primary_problem_area="grief")
    cast.episode.refresh_from_db()
    services.prefill_goals(cast.episode, "grief")

    assert "1 person in the inventory." in _save_initial(cast, "inventory", "")
    assert "2 events on the timeline." in _save_initial(cast, "timeline", "")
    assert "Primary: Grief. 2 goals, 0 achieved." in _save_initial(cast, "problem_area", "")
    page = signed_in(cast.therapist).get(
        reverse("ipt:initial_phase", args=[cast.episode.public_id])
    )
    html = page.content.decode()
    assert "1 person in the inventory." in html
    assert "2 events on the timeline." in html
    assert "3 of 9 initial-phase tasks done" in html


@pytest.mark.parametrize("code", TERMINATION_CODES)
def test_it_saves_each_termination_task_sent_by_htmx(cast: SimpleNamespace, code: str) -> None:
    episode = in_termination(cast.episode)
    termination_tasks(episode)
    label = str(catalogue.TASKS_BY_CODE[code].label)
    data = task_data(episode, code, done=True, note=f"Covered: {code}.")
    response = csrf_post(signed_in(cast.therapist), task_url(episode, code), data, **HTMX)
    assert response.status_code == 200, response.content.decode()[:2000]
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li class="task task-done" id="task-{code}">')
    assert "<html" not in html
    assert f"Saved: {label}." in html
    assert f"Covered: {code}." in html
    assert 'id="task-progress" class="task-progress" hx-swap-oob="true"' in html
    assert "1 of 7 termination tasks done" in html
    closing = html.split('id="closing-panel"')[1]
    assert "hx-swap-oob" in closing.split(">")[0]
    assert f"tick “{label}”" not in closing
    row = episode.tasks.get(code=code)
    assert row.done
    assert row.note == f"Covered: {code}."
