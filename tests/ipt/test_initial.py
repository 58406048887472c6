"""The initial-phase workspace (§1.3) and the episode settings (§1.2, §4.2)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.core.fields import update_sealed
from rapport.core.models import AuditEvent
from rapport.ipt import catalogue, services
from rapport.ipt.forms.initial import task_fingerprint
from rapport.ipt.models import Contract, Episode, EpisodeTask, Goal
from tests.factories import csrf_post, make_client, make_episode, signed_in


def _workspace(cast: SimpleNamespace) -> str:
    return reverse("ipt:initial_phase", args=[cast.episode.public_id])


def _task_url(cast: SimpleNamespace, code: str) -> str:
    return reverse("ipt:initial_task", args=[cast.episode.public_id, code])


def _task(cast: SimpleNamespace, code: str) -> EpisodeTask:
    return cast.episode.tasks.get(code=code)


def _task_data(row: EpisodeTask, **values: object) -> dict[str, object]:
    data: dict[str, object] = {f"{row.code}-seen": task_fingerprint(row)}
    data[f"{row.code}-note"] = values.get("note", row.note)
    if values.get("done", row.done):
        data[f"{row.code}-done"] = "on"
    return data


def _settings_data(episode: Episode, **changes: object) -> dict[str, object]:
    data = {
        "initial_phase_sessions": episode.initial_phase_sessions,
        "termination_phase_sessions": episode.termination_phase_sessions,
        "baseline_phq9": "" if episode.baseline_phq9 is None else episode.baseline_phq9,
        "prescriber_name": episode.prescriber_name,
        "prescriber_contact": episode.prescriber_contact,
        "medication_notes": episode.medication_notes,
        "version": episode.version,
    }
    if episode.clinician_rated_severe:
        data["clinician_rated_severe"] = "on"
    return data | changes


def test_it_lists_the_nine_tasks_in_protocol_order_with_progress(cast: SimpleNamespace) -> None:
    response = signed_in(cast.therapist).get(_workspace(cast))
    assert response.status_code == 200
    labels = [item["label"] for item in response.context["items"]]
    assert labels == [task.label for task in catalogue.INITIAL_TASKS]
    assert response.context["progress"] == {"done": 0, "total": 9}
    html = response.content.decode()
    assert '<progress max="9" value="0"' in html
    assert "0 of 9 initial-phase tasks done" in html


def test_it_names_the_limited_sick_role_for_adolescents(cast: SimpleNamespace) -> None:
    client = make_client(cast.clinic, cast.therapist)
    episode = make_episode(client, variant=catalogue.Variant.ADOLESCENT)
    url = reverse("ipt:initial_phase", args=[episode.public_id])
    html = signed_in(cast.therapist).get(url).content.decode()
    assert "Limited sick role (keep up school and normal activities)" in html


def test_it_ticks_a_task_with_an_encrypted_note(cast: SimpleNamespace) -> None:
    row = _task(cast, "diagnosis")
    data = _task_data(row, done=True, note="Meets criteria for a major depressive episode.")
    response = csrf_post(signed_in(cast.therapist), _task_url(cast, "diagnosis"), data)
    assert response.status_code == 302
    assert response.url.endswith("#task-diagnosis")
    row.refresh_from_db()
    assert row.done
    assert row.note == "Meets criteria for a major depressive episode."
    assert row.completed_by == cast.therapist
    assert row.completed_at is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM ipt_episodetask WHERE id = %s", [row.pk])
        assert "major depressive" not in cursor.fetchone()[0]
    event = AuditEvent.objects.get(action="ipt.task.updated")
    assert event.fields == ["task.diagnosis.done", "task.diagnosis.note"]
    assert event.object_id == str(cast.episode.public_id)


def test_it_unticks_a_task_and_forgets_its_completion(cast: SimpleNamespace) -> None:
    EpisodeTask.objects.filter(episode=cast.episode, code="psychoeducation").update(
        done=True, completed_by=cast.therapist
    )
    row = _task(cast, "psychoeducation")
    csrf_post(
        signed_in(cast.therapist), _task_url(cast, "psychoeducation"), _task_data(row, done=False)
    )
    row.refresh_from_db()
    assert not row.done
    assert row.completed_by is None
    assert row.completed_at is None


def test_it_saves_one_task_by_htmx_and_returns_only_that_task(cast: SimpleNamespace) -> None:
    row = _task(cast, "sick_role")
    response = csrf_post(
        signed_in(cast.therapist),
        _task_url(cast, "sick_role"),
        _task_data(row, done=True, note="Agreed to reduce overtime for now."),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<li class="task task-done" id="task-sick_role">')
    assert "<html" not in html
    assert 'id="task-diagnosis"' not in html
    # The progress bar is updated out of band; the other tasks' forms stay as typed.
    assert 'id="task-progress" class="task-progress" hx-swap-oob="true"' in html
    assert "1 of 9 initial-phase tasks done" in html
    assert 'role="status"' in html


def test_it_refuses_a_stale_task_save_and_keeps_the_typing(cast: SimpleNamespace) -> None:
    row = _task(cast, "medication")
    stale = _task_data(row, done=True, note="My version.")
    update_sealed(EpisodeTask.objects.filter(pk=row.pk), note="Their version.")
    response = csrf_post(signed_in(cast.therapist), _task_url(cast, "medication"), stale)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this while you were editing" in html
    assert "My version." in html
    row.refresh_from_db()
    assert row.note == "Their version."
    assert not row.done


def test_it_saves_again_after_a_stale_task_was_shown(cast: SimpleNamespace) -> None:
    row = _task(cast, "medication")
    stale = _task_data(row, done=True, note="My version.")
    update_sealed(EpisodeTask.objects.filter(pk=row.pk), note="Their version.")
    http = signed_in(cast.therapist)
    response = csrf_post(http, _task_url(cast, "medication"), stale)
    row.refresh_from_db()
    # The form now carries what is stored: the user has seen the warning, saving applies.
    assert f'value="{task_fingerprint(row)}"' in response.content.decode()
    again = stale | {"medication-seen": task_fingerprint(row)}
    assert csrf_post(http, _task_url(cast, "medication"), again).status_code == 302
    row.refresh_from_db()
    assert (row.done, row.note) == (True, "My version.")


def test_a_closed_episode_shows_its_tasks_without_forms(cast: SimpleNamespace) -> None:
    update_sealed(
        EpisodeTask.objects.filter(episode=cast.episode, code="diagnosis"),
        done=True,
        note="Moderate depression.",
    )
    Episode.objects.filter(pk=cast.episode.pk).update(
        status=Episode.Status.CLOSED, closed_on=date(2026, 12, 1), close_reason="transfer"
    )
    html = signed_in(cast.therapist).get(_workspace(cast)).content.decode()
    assert "Moderate depression." in html
    assert _task_url(cast, "diagnosis") not in html
    data = _task_data(_task(cast, "diagnosis"), done=False)
    response = csrf_post(signed_in(cast.therapist), _task_url(cast, "diagnosis"), data)
    assert response.status_code == 403
    assert _task(cast, "diagnosis").done


@pytest.mark.parametrize("code", ["nonsense", "review_gains"])
def test_it_answers_404_for_a_code_outside_the_initial_checklist(
    cast: SimpleNamespace, code: str
) -> None:
    response = csrf_post(signed_in(cast.therapist), _task_url(cast, code), {})
    assert response.status_code == 404


def test_it_links_each_task_to_where_the_work_happens(cast: SimpleNamespace) -> None:
    html = signed_in(cast.therapist).get(_workspace(cast)).content.decode()
    public_id = cast.episode.public_id
    for name in ["inventory", "timeline", "formulation", "contract", "episode_settings"]:
        assert f'href="{reverse(f"ipt:{name}", args=[public_id])}"' in html


def test_supervisors_read_the_workspace_without_edit_controls(cast: SimpleNamespace) -> None:
    update_sealed(
        EpisodeTask.objects.filter(episode=cast.episode, code="diagnosis"),
        done=True,
        note="Moderate depression.",
    )
    response = signed_in(cast.supervisor).get(_workspace(cast))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Moderate depression." in html
    assert 'action="' + _task_url(cast, "diagnosis") not in html
    assert reverse("ipt:episode_settings", args=[cast.episode.public_id]) not in html


@pytest.mark.parametrize(
    ("role", "status"), [("supervisor", 403), ("intake", 403), ("colleague", 404)]
)
def test_only_the_therapist_saves_tasks(cast: SimpleNamespace, role: str, status: int) -> None:
    row = _task(cast, "diagnosis")
    response = csrf_post(
        signed_in(getattr(cast, role)), _task_url(cast, "diagnosis"), _task_data(row, done=True)
    )
    assert response.status_code == status
    row.refresh_from_db()
    assert not row.done


def test_it_audits_reading_the_workspace(cast: SimpleNamespace) -> None:
    signed_in(cast.supervisor).get(_workspace(cast))
    event = AuditEvent.objects.get(action="ipt.initial_phase.viewed")
    assert event.actor == cast.supervisor
    assert event.subject_id == cast.client.public_id


def test_it_shows_what_the_formulation_and_contract_have_produced(cast: SimpleNamespace) -> None:
    update_sealed(
        Episode.objects.filter(pk=cast.episode.pk),
        primary_problem_area="role_dispute",
        formulation="Text.",
    )
    cast.episode.refresh_from_db()
    services.prefill_goals(cast.episode, "role_dispute")
    services.create_contract(
        cast.episode,
        by=cast.therapist,
        planned_sessions=14,
        start_on=date(2026, 9, 1),
        expected_end_on=date(2026, 12, 1),
    )
    response = signed_in(cast.therapist).get(_workspace(cast))
    html = response.content.decode()
    assert "Primary: Role dispute. 3 goals, 0 achieved." in html
    assert "Formulation written. Client agreement not yet recorded." in html
    assert "Version 1 in force: 14 sessions." in html
    # Nothing was ticked for the therapist.
    assert response.context["progress"]["done"] == 0


def agree_contract(episode: Episode, planned: int = 12, area: str = "grief") -> Contract:
    """A primary area and an initial contract, as the formulation and contract pages make."""
    Episode.objects.filter(pk=episode.pk).update(primary_problem_area=area)
    episode.primary_problem_area = area
    return services.create_contract(
        episode,
        by=episode.therapist,
        planned_sessions=planned,
        start_on=date(2026, 9, 1),
        expected_end_on=services.expected_end(date(2026, 9, 1), planned, "weekly"),
    )


def _queries(http, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert http.get(url).status_code == 200
    return len(captured)


def test_the_workspace_queries_do_not_grow_with_goals_or_contract_versions(
    cast: SimpleNamespace,
) -> None:
    agree_contract(cast.episode)
    http = signed_in(cast.therapist)
    url = _workspace(cast)
    http.get(url)  # warm the session
    small = _queries(http, url)
    Goal.objects.bulk_create(
        Goal(episode=cast.episode, problem_area="grief", text=f"Goal {n}", position=n)
        for n in range(30)
    )
    current = cast.episode.current_contract
    for version in range(2, 12):
        Contract.objects.create(
            episode=cast.episode,
            version=version,
            kind=Contract.Kind.OTHER,
            planned_sessions=12,
            start_on=current.start_on,
            expected_end_on=current.expected_end_on,
            created_by=cast.therapist,
        )
    assert _queries(http, url) == small


def test_it_saves_phase_boundaries_and_prescriber_audited_by_field_name(
    cast: SimpleNamespace,
) -> None:
    url = reverse("ipt:episode_settings", args=[cast.episode.public_id])
    data = _settings_data(
        cast.episode,
        initial_phase_sessions=4,
        prescriber_name="Dr Okafor",
        medication_notes="Sertraline 50 mg.",
        baseline_phq9=17,
    )
    response = csrf_post(signed_in(cast.therapist), url, data)
    assert response.status_code == 302
    episode = Episode.objects.get(pk=cast.episode.pk)
    assert episode.initial_phase_sessions == 4
    assert episode.prescriber_name == "Dr Okafor"
    assert episode.medication_notes == "Sertraline 50 mg."
    assert episode.baseline_phq9 == 17
    assert episode.version == cast.episode.version + 1
    event = AuditEvent.objects.get(action="ipt.episode.settings_updated")
    assert event.fields == [
        "baseline_phq9",
        "initial_phase_sessions",
        "medication_notes",
        "prescriber_name",
    ]
    assert "Sertraline" not in str(event.fields)


def test_it_refuses_settings_saved_over_someone_elses_change(cast: SimpleNamespace) -> None:
    url = reverse("ipt:episode_settings", args=[cast.episode.public_id])
    stale = _settings_data(cast.episode, prescriber_name="Dr Mine")
    Episode.objects.filter(pk=cast.episode.pk).update(version=cast.episode.version + 1)
    response = csrf_post(signed_in(cast.therapist), url, stale)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else changed this record while you were editing" in html
    assert 'value="Dr Mine"' in html
    assert Episode.objects.get(pk=cast.episode.pk).prescriber_name == ""


def test_phase_boundaries_must_leave_a_middle_phase(cast: SimpleNamespace) -> None:
    agree_contract(cast.episode)
    url = reverse("ipt:episode_settings", args=[cast.episode.public_id])
    data = _settings_data(cast.episode, initial_phase_sessions=6, termination_phase_sessions=6)
    response = csrf_post(signed_in(cast.therapist), url, data)
    assert response.status_code == 200
    assert "must leave at least one middle session of the 12 planned" in response.content.decode()
    assert Episode.objects.get(pk=cast.episode.pk).initial_phase_sessions == 3


def test_it_refuses_out_of_range_settings_with_clear_messages(cast: SimpleNamespace) -> None:
    url = reverse("ipt:episode_settings", args=[cast.episode.public_id])
    data = _settings_data(cast.episode, initial_phase_sessions=0, baseline_phq9=28)
    form = csrf_post(signed_in(cast.therapist), url, data).context["form"]
    assert form.errors["initial_phase_sessions"] == [
        "Ensure this value is greater than or equal to 1."
    ]
    assert form.errors["baseline_phq9"] == ["Ensure this value is less than or equal to 27."]


@pytest.mark.parametrize(
    ("role", "status"), [("supervisor", 403), ("intake", 403), ("colleague", 404)]
)
def test_only_the_therapist_opens_the_settings(
    cast: SimpleNamespace, role: str, status: int
) -> None:
    url = reverse("ipt:episode_settings", args=[cast.episode.public_id])
    assert signed_in(getattr(cast, role)).get(url).status_code == status
    response = csrf_post(signed_in(getattr(cast, role)), url, _settings_data(cast.episode))
    assert response.status_code == status


def test_it_audits_opening_the_settings(cast: SimpleNamespace) -> None:
    signed_in(cast.therapist).get(reverse("ipt:episode_settings", args=[cast.episode.public_id]))
    assert AuditEvent.objects.filter(action="ipt.episode.settings_viewed").count() == 1
