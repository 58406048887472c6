"""The termination phase: checklist, maintenance plan, closing the episode (§1.7, §4.4)."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

from rapport.core.fields import update_sealed
from rapport.core.models import AuditEvent
from rapport.ipt import catalogue
from rapport.ipt.catalogue import EpisodeType
from rapport.ipt.forms.initial import task_fingerprint
from rapport.ipt.models import Contract, Episode, EpisodeTask, MaintenancePlan, SessionNote
from rapport.ipt.views.termination import termination_tasks
from tests.factories import csrf_post, make_client, make_episode, make_note, signed_in

CODES = [task.code for task in catalogue.TERMINATION_TASKS]
PLAN = {
    "gains": "I speak up with my sister now; I did that myself.",
    "warning_signs": "Sleeping badly for a week; cancelling plans.",
    "coping_strategies": "Walk with a friend; write down what I need to say.",
    "supports": "My sister; my GP.",
    "remaining_goals": "Keep the weekly call with my mother.",
    "decision": "maintenance",
    "frequency": "monthly",
    "planned_sessions": "12",
    "referral_detail": "",
}


def in_termination(episode: Episode, planned: int = 12, held: int = 9) -> Episode:
    """A contract of ``planned`` sessions with ``held`` attended, signed notes."""
    Contract.objects.create(
        episode=episode,
        version=1,
        planned_sessions=planned,
        start_on=date(2026, 9, 1),
        expected_end_on=date(2026, 9, 1) + timedelta(weeks=planned - 1),
        created_by=episode.therapist,
    )
    episode.notes.all().delete()
    for number in range(1, held + 1):
        make_note(
            episode,
            number,
            held_on=date(2026, 9, 1) + timedelta(weeks=number - 1),
            status=SessionNote.Status.SIGNED,
        )
    return episode


def url(name: str, episode: Episode) -> str:
    return reverse(name, args=[episode.public_id])


def task_url(episode: Episode, code: str) -> str:
    return reverse("ipt:termination_task", args=[episode.public_id, code])


def task_data(episode: Episode, code: str, **changes: Any) -> dict[str, Any]:
    """One task's form as the page renders it, with ``changes`` (done, note) typed in."""
    task = episode.tasks.get(code=code)
    values = {"done": task.done, "note": task.note} | changes
    data: dict[str, Any] = {f"{code}-note": values["note"], f"{code}-seen": task_fingerprint(task)}
    if values["done"]:
        data[f"{code}-done"] = "on"
    return data


def complete_tasks(episode: Episode) -> None:
    termination_tasks(episode)
    EpisodeTask.objects.filter(episode=episode, code__in=CODES).update(done=True)


def make_plan(episode: Episode, **fields: Any) -> MaintenancePlan:
    values = {"gains": "Better", "warning_signs": "Sleep", "updated_by": episode.therapist}
    return MaintenancePlan.objects.create(episode=episode, **(values | fields))


# ------------------------------------------------------------------ workspace


def test_it_creates_the_termination_checklist_when_first_opened(cast: SimpleNamespace) -> None:
    in_termination(cast.episode)
    response = signed_in(cast.therapist).get(url("ipt:termination", cast.episode))
    assert response.status_code == 200
    assert set(cast.episode.tasks.filter(code__in=CODES).values_list("code", flat=True)) == set(
        CODES
    )
    body = response.content.decode()
    for task in catalogue.TERMINATION_TASKS:
        assert str(task.label) in body
    assert "Session 10 of 12: termination begins at session 10." in body
    assert AuditEvent.objects.filter(
        action="ipt.termination.viewed", actor=cast.therapist, subject_id=cast.client.public_id
    ).exists()


def test_it_opens_the_checklist_only_once(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    http.get(url("ipt:termination", cast.episode))
    http.get(url("ipt:termination", cast.episode))
    assert cast.episode.tasks.filter(code__in=CODES).count() == len(CODES)


def test_it_says_when_there_is_no_contract_yet(cast: SimpleNamespace) -> None:
    body = signed_in(cast.therapist).get(url("ipt:termination", cast.episode)).content.decode()
    assert "No treatment contract yet" in body


def test_it_shows_a_supervisor_the_checklist_read_only(cast: SimpleNamespace) -> None:
    in_termination(cast.episode)
    termination_tasks(cast.episode)
    update_sealed(
        EpisodeTask.objects.filter(episode=cast.episode, code="review_gains"),
        done=True,
        note="Credited her own work",
    )
    response = signed_in(cast.supervisor).get(url("ipt:termination", cast.episode))
    body = response.content.decode()
    assert "Credited her own work" in body
    assert "1 of 7 termination tasks done" in body
    assert task_url(cast.episode, "review_gains") not in body
    assert "<form" not in body.split('id="tasks-heading"')[1].split('id="plan-heading"')[0]
    assert "Close the episode" not in body


def test_it_prompts_to_consider_other_treatment_for_non_responders(cast: SimpleNamespace) -> None:
    Episode.objects.filter(pk=cast.episode.pk).update(primary_problem_area="interpersonal_deficits")
    body = signed_in(cast.therapist).get(url("ipt:termination", cast.episode)).content.decode()
    assert "offer another effective treatment" in body
    assert "consider a different therapy or adding medication" in body


def test_it_records_the_referral_decision_instead_of_the_prompt(cast: SimpleNamespace) -> None:
    make_plan(cast.episode, decision="referral", referral_detail="Community CBT service")
    body = signed_in(cast.therapist).get(url("ipt:termination", cast.episode)).content.decode()
    assert "Referral recorded" in body
    assert "Community CBT service" in body
    assert "offer another effective treatment" not in body


# ------------------------------------------------------------------ tasks


def test_it_shows_each_task_as_its_own_form(cast: SimpleNamespace) -> None:
    in_termination(cast.episode)
    body = signed_in(cast.therapist).get(url("ipt:termination", cast.episode)).content.decode()
    for task in catalogue.TERMINATION_TASKS:
        action = task_url(cast.episode, task.code)
        assert f'action="{action}"' in body
        assert f'hx-post="{action}"' in body
        assert f'<h3 id="task-{task.code}-heading">{task.label}' in body
        assert f'Save<span class="visually-hidden"> {task.label}</span>' in body
    assert "0 of 7 termination tasks done" in body
    assert 'id="closing-panel"' in body


def test_it_ticks_tasks_with_notes_one_at_a_time(cast: SimpleNamespace) -> None:
    termination_tasks(cast.episode)
    http = signed_in(cast.therapist)
    data = task_data(cast.episode, "discuss_ending", done=True, note="Raised at session 9.")
    response = csrf_post(http, task_url(cast.episode, "discuss_ending"), data)
    assert response.status_code == 302
    assert response.url == url("ipt:termination", cast.episode) + "#task-discuss_ending"
    data = task_data(cast.episode, "warning_signs", note="Poor sleep, cancelling plans.")
    csrf_post(http, task_url(cast.episode, "warning_signs"), data)
    tasks = {task.code: task for task in cast.episode.tasks.all()}
    assert tasks["discuss_ending"].done
    assert tasks["discuss_ending"].note == "Raised at session 9."
    assert tasks["discuss_ending"].completed_by == cast.therapist
    assert tasks["discuss_ending"].completed_at is not None
    assert not tasks["warning_signs"].done
    assert tasks["warning_signs"].note == "Poor sleep, cancelling plans."
    assert tasks["warning_signs"].completed_by is None
    events = AuditEvent.objects.filter(action="ipt.termination_tasks.updated").order_by("seq")
    assert [event.fields for event in events] == [
        ["discuss_ending.done", "discuss_ending.note"],
        ["warning_signs.note"],
    ]
    assert all(event.object_id == str(cast.episode.public_id) for event in events)
    assert "sleep" not in str([event.fields for event in events]).lower()


def test_it_comes_back_to_the_task_with_a_message_without_javascript(
    cast: SimpleNamespace,
) -> None:
    in_termination(cast.episode)
    termination_tasks(cast.episode)
    http = signed_in(cast.therapist)
    data = task_data(cast.episode, "review_gains", done=True, note="Credited her own work.")
    response = csrf_post(http, task_url(cast.episode, "review_gains"), data, follow=True)
    body = response.content.decode()
    assert response.redirect_chain == [
        (url("ipt:termination", cast.episode) + "#task-review_gains", 302)
    ]
    assert '<p class="message message-success">Saved: Review of gains.</p>' in body
    assert "1 of 7 termination tasks done" in body
    assert "tick “Review of gains”" not in body
    assert "tick “Ending discussed in advance”" in body


def test_it_swaps_the_task_the_progress_and_the_closing_panel_by_htmx(
    cast: SimpleNamespace,
) -> None:
    termination_tasks(cast.episode)
    data = task_data(cast.episode, "remaining_goals", done=True, note="Weekly call.")
    response = csrf_post(
        signed_in(cast.therapist),
        task_url(cast.episode, "remaining_goals"),
        data,
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<li class="task task-done" id="task-remaining_goals">')
    assert "<html" not in html
    assert 'id="task-review_gains"' not in html
    assert '<p class="message message-success" role="status">Saved: Remaining goals.</p>' in html
    assert 'id="task-progress" class="task-progress" hx-swap-oob="true"' in html
    assert "1 of 7 termination tasks done" in html
    closing = html.split('id="closing-panel"')[1]
    assert closing.startswith(' aria-labelledby="close-heading" hx-swap-oob="true">')
    assert "tick “Remaining goals”" not in closing
    assert "tick “Review of gains”" in closing
    assert "write the maintenance plan" in closing
    assert cast.episode.tasks.get(code="remaining_goals").done


def test_it_says_the_episode_can_close_once_the_last_task_is_saved(
    cast: SimpleNamespace,
) -> None:
    complete_tasks(cast.episode)
    make_plan(cast.episode, decision="none")
    EpisodeTask.objects.filter(episode=cast.episode, code="continuation_decision").update(
        done=False
    )
    data = task_data(cast.episode, "continuation_decision", done=True)
    response = csrf_post(
        signed_in(cast.therapist),
        task_url(cast.episode, "continuation_decision"),
        data,
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "7 of 7 termination tasks done" in html
    assert "the episode can be closed as completed" in html


def test_it_refuses_a_task_someone_changed_meanwhile_and_keeps_the_typing(
    cast: SimpleNamespace,
) -> None:
    termination_tasks(cast.episode)
    http = signed_in(cast.therapist)
    data = task_data(cast.episode, "review_gains", done=True, note="Mine")
    update_sealed(
        EpisodeTask.objects.filter(episode=cast.episode, code="review_gains"), note="Theirs"
    )
    response = csrf_post(http, task_url(cast.episode, "review_gains"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else saved this while you were editing" in body
    assert "Mine" in body
    task = cast.episode.tasks.get(code="review_gains")
    assert (task.done, task.note) == (False, "Theirs")
    assert not AuditEvent.objects.filter(action="ipt.termination_tasks.updated").exists()
    # The form now carries what is stored, so saving again goes through.
    assert f'value="{task_fingerprint(task)}"' in body
    data["review_gains-seen"] = task_fingerprint(task)
    assert csrf_post(http, task_url(cast.episode, "review_gains"), data).status_code == 302
    task.refresh_from_db()
    assert (task.done, task.note) == (True, "Mine")


def test_it_refuses_a_stale_task_in_place_by_htmx(cast: SimpleNamespace) -> None:
    termination_tasks(cast.episode)
    data = task_data(cast.episode, "feelings_about_ending", done=True, note="Mine")
    EpisodeTask.objects.filter(episode=cast.episode, code="feelings_about_ending").update(done=True)
    response = csrf_post(
        signed_in(cast.therapist),
        task_url(cast.episode, "feelings_about_ending"),
        data,
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200  # htmx swaps only successful answers
    html = response.content.decode()
    assert html.lstrip().startswith('<li class="task task-done" id="task-feelings_about_ending">')
    assert 'role="alert"' in html
    assert "Someone else saved this while you were editing" in html
    assert "Mine" in html
    assert "hx-swap-oob" not in html
    assert cast.episode.tasks.get(code="feelings_about_ending").note == ""


def test_it_rejects_an_overlong_note_and_changes_nothing(cast: SimpleNamespace) -> None:
    termination_tasks(cast.episode)
    data = task_data(cast.episode, "review_gains", done=True, note="x" * 4001)
    response = csrf_post(signed_in(cast.therapist), task_url(cast.episode, "review_gains"), data)
    assert response.status_code == 200
    assert "Ensure this value has at most 4000 characters" in response.content.decode()
    assert not cast.episode.tasks.filter(done=True).exists()


def test_it_records_nothing_when_nothing_changed(cast: SimpleNamespace) -> None:
    termination_tasks(cast.episode)
    data = task_data(cast.episode, "review_gains")
    response = csrf_post(signed_in(cast.therapist), task_url(cast.episode, "review_gains"), data)
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="ipt.termination_tasks.updated").exists()


@pytest.mark.parametrize("code", ["nonsense", "diagnosis"])
def test_it_answers_404_for_a_code_outside_the_termination_checklist(
    cast: SimpleNamespace, code: str
) -> None:
    termination_tasks(cast.episode)
    response = csrf_post(signed_in(cast.therapist), task_url(cast.episode, code), {})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("role", "status"), [("supervisor", 403), ("intake", 403), ("colleague", 404)]
)
def test_only_the_therapist_saves_termination_tasks(
    cast: SimpleNamespace, role: str, status: int
) -> None:
    termination_tasks(cast.episode)
    data = task_data(cast.episode, "discuss_ending", done=True)
    http = signed_in(getattr(cast, role))
    response = csrf_post(http, task_url(cast.episode, "discuss_ending"), data)
    assert response.status_code == status
    assert not cast.episode.tasks.filter(done=True).exists()


# ------------------------------------------------------------------ maintenance plan


def test_it_defaults_the_plan_to_monthly_maintenance_for_a_year(cast: SimpleNamespace) -> None:
    response = signed_in(cast.therapist).get(url("ipt:maintenance_plan", cast.episode))
    form = response.context["form"]
    assert form["decision"].value() == "maintenance"
    assert form["frequency"].value() == "monthly"
    assert form["planned_sessions"].value() == 12


def test_it_saves_a_new_plan_and_shows_it(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    response = csrf_post(http, url("ipt:maintenance_plan", cast.episode), PLAN)
    assert response.url == url("ipt:termination", cast.episode)
    plan = MaintenancePlan.objects.get(episode=cast.episode)
    assert (plan.decision, plan.frequency, plan.planned_sessions) == ("maintenance", "monthly", 12)
    assert plan.gains == PLAN["gains"]
    assert plan.updated_by == cast.therapist
    event = AuditEvent.objects.get(action="ipt.maintenance_plan.created")
    assert "gains" in event.fields
    body = http.get(url("ipt:termination", cast.episode)).content.decode()
    assert "I speak up with my sister now" in body
    assert "12 sessions, monthly" in body


def test_it_requires_the_referral_detail_for_a_referral(cast: SimpleNamespace) -> None:
    data = PLAN | {"decision": "referral", "referral_detail": " "}
    response = csrf_post(signed_in(cast.therapist), url("ipt:maintenance_plan", cast.episode), data)
    assert response.status_code == 200
    assert "Say where the client is referred" in response.content.decode()
    assert PLAN["gains"] in response.content.decode()
    assert not MaintenancePlan.objects.exists()


def test_it_drops_sessions_and_frequency_when_no_sessions_follow(cast: SimpleNamespace) -> None:
    data = PLAN | {"decision": "referral", "referral_detail": "Specialist service"}
    csrf_post(signed_in(cast.therapist), url("ipt:maintenance_plan", cast.episode), data)
    plan = MaintenancePlan.objects.get(episode=cast.episode)
    assert (plan.frequency, plan.planned_sessions) == ("", None)
    assert plan.referral_detail == "Specialist service"


def test_it_requires_gains_warning_signs_and_a_frequency_for_maintenance(
    cast: SimpleNamespace,
) -> None:
    data = PLAN | {"gains": "", "warning_signs": "", "frequency": "", "planned_sessions": ""}
    response = csrf_post(signed_in(cast.therapist), url("ipt:maintenance_plan", cast.episode), data)
    errors = response.context["form"].errors
    assert set(errors) == {"gains", "warning_signs", "frequency", "planned_sessions"}


def test_it_updates_the_plan_and_bumps_its_version(cast: SimpleNamespace) -> None:
    plan = make_plan(cast.episode)
    data = PLAN | {"version": plan.version, "planned_sessions": "24"}
    csrf_post(signed_in(cast.therapist), url("ipt:maintenance_plan", cast.episode), data)
    plan.refresh_from_db()
    assert (plan.planned_sessions, plan.version) == (24, 2)
    assert AuditEvent.objects.filter(action="ipt.maintenance_plan.updated").exists()


def test_it_refuses_a_stale_plan_edit_and_keeps_the_typing(cast: SimpleNamespace) -> None:
    plan = make_plan(cast.episode)
    opened = plan.version
    update_sealed(
        MaintenancePlan.objects.filter(pk=plan.pk), gains="Their words", version=opened + 1
    )
    data = PLAN | {"version": opened, "gains": "My words"}
    response = csrf_post(signed_in(cast.therapist), url("ipt:maintenance_plan", cast.episode), data)
    body = response.content.decode()
    assert "Someone else changed this record" in body
    assert "My words" in body
    plan.refresh_from_db()
    assert plan.gains == "Their words"
    assert response.context["form"]["version"].value() == opened + 1


def test_it_audits_reading_the_plan_form(cast: SimpleNamespace) -> None:
    make_plan(cast.episode)
    signed_in(cast.therapist).get(url("ipt:maintenance_plan", cast.episode))
    assert AuditEvent.objects.filter(action="ipt.maintenance_plan.viewed").exists()


# ------------------------------------------------------------------ closing


def close(cast: SimpleNamespace, episode: Episode, **data: Any) -> Any:
    form = {"version": Episode.objects.get(pk=episode.pk).version, "note": ""} | data
    return csrf_post(signed_in(cast.therapist), url("ipt:episode_close", episode), form)


def test_it_lists_what_is_missing_before_a_completed_close(cast: SimpleNamespace) -> None:
    termination_tasks(cast.episode)
    EpisodeTask.objects.filter(episode=cast.episode, code="discuss_ending").update(done=True)
    response = close(cast, cast.episode, reason="completed")
    body = response.content.decode()
    assert "To close as completed, first" in body
    assert "tick “Review of gains”" in body
    assert "tick “Ending discussed in advance”" not in body
    assert "write the maintenance plan" in body
    assert Episode.objects.get(pk=cast.episode.pk).status == Episode.Status.ACTIVE


def test_it_closes_a_completed_episode(cast: SimpleNamespace) -> None:
    complete_tasks(cast.episode)
    make_plan(cast.episode, decision="none")
    response = close(cast, cast.episode, reason="completed")
    assert response.url == url("ipt:termination", cast.episode)
    episode = Episode.objects.get(pk=cast.episode.pk)
    assert episode.status == Episode.Status.CLOSED
    assert episode.close_reason == "completed"
    assert episode.closed_on is not None
    event = AuditEvent.objects.get(action="ipt.episode.closed")
    assert event.fields == ["close_note", "close_reason", "closed_on", "status"]


@pytest.mark.parametrize("reason", ["drop_out", "referral", "transfer"])
def test_it_closes_early_for_a_recorded_reason_with_a_note(
    cast: SimpleNamespace, reason: str
) -> None:
    assert "Add a note" in close(cast, cast.episode, reason=reason).content.decode()
    assert Episode.objects.get(pk=cast.episode.pk).status == Episode.Status.ACTIVE
    close(cast, cast.episode, reason=reason, note="Moved away; letter sent to the GP.")
    episode = Episode.objects.get(pk=cast.episode.pk)
    assert (episode.status, episode.close_reason) == (Episode.Status.CLOSED, reason)
    assert episode.close_note == "Moved away; letter sent to the GP."


def test_it_refuses_a_close_based_on_an_old_version(cast: SimpleNamespace) -> None:
    Episode.objects.filter(pk=cast.episode.pk).update(version=5)
    response = close(cast, cast.episode, reason="drop_out", note="Stopped coming.", version=4)
    assert "changed while you were closing" in response.content.decode()
    assert Episode.objects.get(pk=cast.episode.pk).status == Episode.Status.ACTIVE


def test_it_starts_the_maintenance_episode_in_the_same_step(cast: SimpleNamespace) -> None:
    complete_tasks(cast.episode)
    make_plan(cast.episode, decision="maintenance", frequency="monthly", planned_sessions=12)
    response = close(cast, cast.episode, reason="completed", start_maintenance="on")
    follow_on = Episode.objects.get(client=cast.client, status=Episode.Status.ACTIVE)
    assert follow_on.episode_type == EpisodeType.MAINTENANCE
    assert response.url == url("ipt:episode", follow_on)
    assert Episode.objects.get(pk=cast.episode.pk).status == Episode.Status.CLOSED
    assert AuditEvent.objects.filter(action="ipt.episode.created", subject_id=cast.client.public_id)


def test_it_offers_the_maintenance_episode_after_closing_without_it(cast: SimpleNamespace) -> None:
    complete_tasks(cast.episode)
    make_plan(cast.episode, decision="maintenance", frequency="monthly", planned_sessions=12)
    close(cast, cast.episode, reason="completed")
    http = signed_in(cast.therapist)
    assert (
        "Start the maintenance episode"
        in http.get(url("ipt:termination", cast.episode)).content.decode()
    )
    csrf_post(http, url("ipt:maintenance_start", cast.episode))
    csrf_post(http, url("ipt:maintenance_start", cast.episode))  # a second click adds nothing
    assert cast.client.episodes.filter(episode_type=EpisodeType.MAINTENANCE).count() == 1


def test_it_starts_maintenance_only_after_a_completed_course(cast: SimpleNamespace) -> None:
    make_plan(cast.episode, decision="maintenance", frequency="monthly", planned_sessions=12)
    response = close(cast, cast.episode, reason="drop_out", note="Stopped.", start_maintenance="on")
    assert "A maintenance episode follows a completed course" in response.content.decode()
    assert Episode.objects.get(pk=cast.episode.pk).status == Episode.Status.ACTIVE


def test_a_closed_episode_refuses_every_write_here(cast: SimpleNamespace) -> None:
    termination_tasks(cast.episode)
    plan = make_plan(cast.episode)
    Episode.objects.filter(pk=cast.episode.pk).update(
        status=Episode.Status.CLOSED, closed_on=date(2026, 12, 1), close_reason="transfer"
    )
    http = signed_in(cast.therapist)
    data = task_data(cast.episode, "discuss_ending", done=True)
    writes = [
        csrf_post(http, task_url(cast.episode, "discuss_ending"), data),
        csrf_post(http, url("ipt:maintenance_plan", cast.episode), PLAN | {"version": 1}),
        close(cast, cast.episode, reason="drop_out", note="again"),
        csrf_post(http, url("ipt:maintenance_start", cast.episode)),
    ]
    assert all(response.status_code == 302 for response in writes)
    assert not cast.episode.tasks.filter(done=True).exists()
    plan.refresh_from_db()
    assert plan.gains == "Better"
    episode = Episode.objects.get(pk=cast.episode.pk)
    assert (episode.close_reason, episode.close_note) == ("transfer", "")
    assert cast.client.episodes.count() == 1
    page = http.get(url("ipt:termination", cast.episode)).content.decode()
    assert "read-only" in page
    assert "This episode is closed: it can no longer be changed." in page
    assert task_url(cast.episode, "discuss_ending") not in page


def test_a_closed_episode_sends_an_htmx_save_back_to_the_read_only_page(
    cast: SimpleNamespace,
) -> None:
    termination_tasks(cast.episode)
    data = task_data(cast.episode, "discuss_ending", done=True)
    Episode.objects.filter(pk=cast.episode.pk).update(
        status=Episode.Status.CLOSED, closed_on=date(2026, 12, 1), close_reason="transfer"
    )
    http = signed_in(cast.therapist)
    response = csrf_post(
        http, task_url(cast.episode, "discuss_ending"), data, HTTP_HX_REQUEST="true"
    )
    # Nothing is swapped into the task: htmx loads the page, which says why.
    assert response.status_code == 204
    assert response["HX-Redirect"] == url("ipt:termination", cast.episode)
    assert not cast.episode.tasks.filter(done=True).exists()
    assert not AuditEvent.objects.filter(action="ipt.termination_tasks.updated").exists()
    page = http.get(url("ipt:termination", cast.episode)).content.decode()
    assert "This episode is closed: it can no longer be changed." in page


def test_it_keeps_other_therapists_out(cast: SimpleNamespace) -> None:
    other = make_episode(make_client(cast.clinic, cast.colleague))
    http = signed_in(cast.therapist)
    assert http.get(url("ipt:termination", other)).status_code == 404
    response = csrf_post(http, url("ipt:episode_close", other), {"reason": "drop_out"})
    assert response.status_code == 404
    assert Episode.objects.get(pk=other.pk).status == Episode.Status.ACTIVE
