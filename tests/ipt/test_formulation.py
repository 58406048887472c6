"""Problem areas, formulation, goals and the dispute stage (§1.3 tasks 7–8, §1.4)."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from rapport.core.fields import sealed
from rapport.core.models import AuditEvent
from rapport.ipt import catalogue
from rapport.ipt.forms.initial import GoalAddForm, goal_fingerprint
from rapport.ipt.models import (
    ClosenessRating,
    DisputeStageAssessment,
    Episode,
    Goal,
    InventoryPerson,
    TimelineEvent,
)
from tests.factories import csrf_post, signed_in


def _page(cast: SimpleNamespace) -> str:
    return reverse("ipt:formulation", args=[cast.episode.public_id])


def _save_url(cast: SimpleNamespace) -> str:
    return reverse("ipt:formulation_save", args=[cast.episode.public_id])


def _data(episode: Episode, **changes: object) -> dict[str, object]:
    data = {
        "primary_problem_area": episode.primary_problem_area,
        "secondary_problem_area": episode.secondary_problem_area,
        "formulation": episode.formulation,
        "formulation_agreed_on": "",
        "version": episode.version,
    }
    return data | changes


def _choose(cast: SimpleNamespace, **changes: object) -> object:
    return csrf_post(signed_in(cast.therapist), _save_url(cast), _data(cast.episode, **changes))


def _dispute_with_partner(episode: Episode) -> InventoryPerson:
    person = InventoryPerson.objects.create(
        episode=episode,
        name="Sam",
        relationship=InventoryPerson.Relationship.PARTNER,
        reciprocity=InventoryPerson.Reciprocity.NON_RECIPROCAL,
    )
    ClosenessRating.objects.create(
        person=person, ring=1, rated_on=episode.started_on, rated_by=episode.therapist
    )
    return person


def test_it_shows_ranked_suggestions_with_their_reasons_and_chooses_none(
    cast: SimpleNamespace,
) -> None:
    _dispute_with_partner(cast.episode)
    TimelineEvent.objects.create(
        episode=cast.episode, occurred_on=date(2026, 6, 1), title="Moved city", major_change=True
    )
    TimelineEvent.objects.create(
        episode=cast.episode, occurred_on=date(2026, 7, 1), title="New job", major_change=True
    )
    response = signed_in(cast.therapist).get(_page(cast))
    areas = [s.area for s in response.context["suggestions"]]
    assert areas == ["role_transition", "role_dispute"]
    html = response.content.decode()
    assert "Expectations with Sam (partner or spouse) are not reciprocal." in html
    assert "A major life change near the onset: Moved city, 3 months before the onset." in html
    # The areas that did not fire say why, so a missing suggestion is not a mystery.
    assert "Not suggested, and why" in html
    assert "Grief:</strong> Nobody in the inventory has died." in html
    # A suggestion is a prompt: the select still asks the therapist to choose.
    assert response.context["form"]["primary_problem_area"].value() == ""
    assert "selected>Role transition" not in html


def test_it_shows_an_empty_state_with_links_when_inventory_and_timeline_are_empty(
    cast: SimpleNamespace,
) -> None:
    html = signed_in(cast.therapist).get(_page(cast)).content.decode()
    assert "the inventory and the timeline are empty" in html
    assert reverse("ipt:inventory", args=[cast.episode.public_id]) in html
    assert reverse("ipt:timeline", args=[cast.episode.public_id]) in html


def test_it_says_so_when_the_inventory_points_nowhere(cast: SimpleNamespace) -> None:
    InventoryPerson.objects.create(
        episode=cast.episode, name="Kim", relationship=InventoryPerson.Relationship.FRIEND
    )
    html = signed_in(cast.therapist).get(_page(cast)).content.decode()
    assert "Nothing in the inventory or the timeline points to a problem area yet." in html


def test_it_saves_the_areas_and_an_encrypted_formulation(cast: SimpleNamespace) -> None:
    response = _choose(
        cast,
        primary_problem_area="role_dispute",
        secondary_problem_area="role_transition",
        formulation="Her low mood began when the arguments with Sam over the move stalled.",
        formulation_agreed_on="2026-09-08",
    )
    assert response.status_code == 302
    episode = Episode.objects.get(pk=cast.episode.pk)
    assert (episode.primary_problem_area, episode.secondary_problem_area) == (
        "role_dispute",
        "role_transition",
    )
    assert episode.formulation_agreed_on == date(2026, 9, 8)
    with connection.cursor() as cursor:
        cursor.execute("SELECT formulation FROM ipt_episode WHERE id = %s", [episode.pk])
        assert "arguments" not in cursor.fetchone()[0]
    event = AuditEvent.objects.get(action="ipt.formulation.updated")
    assert event.fields == [
        "formulation",
        "formulation_agreed_on",
        "primary_problem_area",
        "secondary_problem_area",
    ]


def test_it_requires_a_primary_area(cast: SimpleNamespace) -> None:
    response = _choose(cast, primary_problem_area="", formulation="Draft I typed.")
    assert response.status_code == 200
    assert response.context["form"].errors["primary_problem_area"] == ["This field is required."]
    assert "Draft I typed." in response.content.decode()
    assert Episode.objects.get(pk=cast.episode.pk).formulation == ""


def test_the_secondary_area_must_differ_from_the_primary(cast: SimpleNamespace) -> None:
    response = _choose(
        cast, primary_problem_area="grief", secondary_problem_area="grief", formulation="Kept."
    )
    assert response.context["form"].errors["secondary_problem_area"] == [
        "Choose a different secondary area, or none: it is already the primary one."
    ]
    assert "Kept." in response.content.decode()
    episode = Episode.objects.get(pk=cast.episode.pk)
    assert episode.primary_problem_area == ""
    assert not episode.goals.exists()


def test_the_agreement_date_cannot_be_in_the_future(cast: SimpleNamespace) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = _choose(cast, primary_problem_area="grief", formulation_agreed_on=tomorrow)
    assert response.context["form"].errors["formulation_agreed_on"] == [
        "The agreement date cannot be in the future."
    ]


def test_it_refuses_a_formulation_saved_over_someone_elses_change(cast: SimpleNamespace) -> None:
    stale = _data(cast.episode, primary_problem_area="grief", formulation="Mine.")
    Episode.objects.filter(pk=cast.episode.pk).update(version=cast.episode.version + 1)
    response = csrf_post(signed_in(cast.therapist), _save_url(cast), stale)
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    assert Episode.objects.get(pk=cast.episode.pk).formulation == ""


def test_choosing_areas_prefills_their_goals_from_the_catalogue(cast: SimpleNamespace) -> None:
    _choose(cast, primary_problem_area="grief", secondary_problem_area="role_transition")
    goals = list(cast.episode.goals.order_by("problem_area", "position"))
    assert [(g.problem_area, g.text) for g in goals] == [
        ("grief", str(text)) for text in catalogue.PROBLEM_AREA_GOALS["grief"]
    ] + [("role_transition", str(text)) for text in catalogue.PROBLEM_AREA_GOALS["role_transition"]]


def test_a_dropped_area_keeps_its_goals_and_says_so(cast: SimpleNamespace) -> None:
    _choose(cast, primary_problem_area="grief")
    cast.episode.refresh_from_db()
    _choose(cast, primary_problem_area="role_dispute")
    html = signed_in(cast.therapist).get(_page(cast)).content.decode()
    assert cast.episode.goals.filter(problem_area="grief").count() == 2
    assert "no longer a chosen area" in html
    assert str(catalogue.PROBLEM_AREA_STRATEGIES["role_dispute"][0]) in html


def test_it_shows_the_strategies_of_the_chosen_areas_only(cast: SimpleNamespace) -> None:
    _choose(cast, primary_problem_area="role_transition")
    html = signed_in(cast.therapist).get(_page(cast)).content.decode()
    assert str(catalogue.PROBLEM_AREA_STRATEGIES["role_transition"][0]) in html
    assert str(catalogue.PROBLEM_AREA_STRATEGIES["grief"][0]) not in html


def test_saving_the_formulation_ticks_no_task(cast: SimpleNamespace) -> None:
    _choose(cast, primary_problem_area="grief", formulation="Written.")
    assert not cast.episode.tasks.filter(done=True).exists()


def _goal(cast: SimpleNamespace) -> Goal:
    _choose(cast, primary_problem_area="grief")
    return cast.episode.goals.order_by("position").first()


def _goal_data(goal: Goal, **values: object) -> dict[str, object]:
    prefix = f"goal-{goal.public_id}"
    data: dict[str, object] = {
        f"{prefix}-seen": goal_fingerprint(goal),
        f"{prefix}-text": values.get("text", goal.text),
    }
    if values.get("achieved", goal.achieved):
        data[f"{prefix}-achieved"] = "on"
    return data


def test_it_edits_a_goal_and_marks_it_achieved(cast: SimpleNamespace) -> None:
    goal = _goal(cast)
    url = reverse("ipt:goal_save", args=[cast.episode.public_id, goal.public_id])
    data = _goal_data(goal, text="Visit the grave with her brother.", achieved=True)
    response = csrf_post(signed_in(cast.therapist), url, data)
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.text == "Visit the grave with her brother."
    assert goal.achieved
    event = AuditEvent.objects.get(action="ipt.goal.updated")
    assert event.fields == ["achieved", "text"]
    assert event.object_id == str(goal.public_id)


def test_it_refuses_a_stale_goal_edit(cast: SimpleNamespace) -> None:
    goal = _goal(cast)
    url = reverse("ipt:goal_save", args=[cast.episode.public_id, goal.public_id])
    stale = _goal_data(goal, text="Mine.")
    Goal.objects.filter(pk=goal.pk).update(**sealed(goal, text="Theirs."))
    response = csrf_post(signed_in(cast.therapist), url, stale)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this while you were editing" in html
    assert "Mine." in html
    goal.refresh_from_db()
    assert goal.text == "Theirs."


def test_an_empty_goal_is_refused(cast: SimpleNamespace) -> None:
    goal = _goal(cast)
    url = reverse("ipt:goal_save", args=[cast.episode.public_id, goal.public_id])
    response = csrf_post(signed_in(cast.therapist), url, _goal_data(goal, text=""))
    assert "This field is required." in response.content.decode()
    goal.refresh_from_db()
    assert goal.text


def test_it_adds_a_goal_to_a_chosen_area_only(cast: SimpleNamespace) -> None:
    _choose(cast, primary_problem_area="grief")
    url = reverse("ipt:goal_add", args=[cast.episode.public_id])
    http = signed_in(cast.therapist)
    data = {"new-goal-problem_area": "grief", "new-goal-text": "Join the walking group."}
    assert csrf_post(http, url, data).status_code == 302
    added = cast.episode.goals.get(position=2)
    assert added.text == "Join the walking group."
    refused = csrf_post(http, url, {**data, "new-goal-problem_area": "role_dispute"})
    assert refused.status_code == 200
    assert "Select a valid choice." in refused.content.decode()
    assert cast.episode.goals.count() == 3


def test_it_removes_a_goal_behind_a_confirmation(cast: SimpleNamespace) -> None:
    goal = _goal(cast)
    remove = reverse("ipt:goal_remove", args=[cast.episode.public_id, goal.public_id])
    html = signed_in(cast.therapist).get(_page(cast)).content.decode()
    assert f'action="{remove}" class="goal-remove" data-confirm=' in html
    assert csrf_post(signed_in(cast.therapist), remove).status_code == 302
    assert not Goal.objects.filter(pk=goal.pk).exists()
    assert AuditEvent.objects.filter(action="ipt.goal.removed").count() == 1


def test_a_goal_of_another_episode_is_404(cast: SimpleNamespace) -> None:
    from tests.factories import make_client, make_episode

    other = make_episode(make_client(cast.clinic, cast.therapist))
    Goal.objects.create(episode=other, problem_area="grief", text="Other.")
    goal = other.goals.get()
    url = reverse("ipt:goal_remove", args=[cast.episode.public_id, goal.public_id])
    assert csrf_post(signed_in(cast.therapist), url).status_code == 404
    assert Goal.objects.filter(pk=goal.pk).exists()


def test_the_dispute_stage_is_reassessed_and_shown_newest_first(cast: SimpleNamespace) -> None:
    _choose(cast, primary_problem_area="role_dispute")
    url = reverse("ipt:dispute_stage_add", args=[cast.episode.public_id])
    http = signed_in(cast.therapist)
    for stage, day in [("impasse", "2026-09-08"), ("renegotiation", "2026-10-06")]:
        data = {"stage-stage": stage, "stage-assessed_on": day, "stage-note": "Talking again."}
        assert csrf_post(http, url, data).status_code == 302
    response = http.get(_page(cast))
    assert [s.stage for s in response.context["stages"]] == ["renegotiation", "impasse"]
    html = response.content.decode()
    assert html.index("2026-10-06") < html.index("2026-09-08")
    assert AuditEvent.objects.filter(action="ipt.dispute_stage.assessed").count() == 2


def test_the_dispute_stage_needs_a_stage_and_a_past_date(cast: SimpleNamespace) -> None:
    _choose(cast, primary_problem_area="role_dispute")
    url = reverse("ipt:dispute_stage_add", args=[cast.episode.public_id])
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = csrf_post(signed_in(cast.therapist), url, {"stage-assessed_on": future})
    html = response.content.decode()
    assert "This field is required." in html
    assert "The assessment date cannot be in the future." in html
    assert not DisputeStageAssessment.objects.exists()


def test_the_dispute_section_appears_only_for_a_role_dispute(cast: SimpleNamespace) -> None:
    _choose(cast, primary_problem_area="grief")
    assert "Role dispute stage" not in signed_in(cast.therapist).get(_page(cast)).content.decode()
    cast.episode.refresh_from_db()
    _choose(cast, primary_problem_area="grief", secondary_problem_area="role_dispute")
    assert "Role dispute stage" in signed_in(cast.therapist).get(_page(cast)).content.decode()


def test_supervisors_read_the_formulation_without_forms(cast: SimpleNamespace) -> None:
    _choose(cast, primary_problem_area="role_dispute", formulation="Shared with supervisor.")
    response = signed_in(cast.supervisor).get(_page(cast))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Shared with supervisor." in html
    assert '<form method="post" action="/episodes' not in html
    assert AuditEvent.objects.filter(
        action="ipt.formulation.viewed", actor=cast.supervisor
    ).exists()


@pytest.mark.parametrize(
    ("role", "status"), [("supervisor", 403), ("intake", 403), ("colleague", 404)]
)
def test_only_the_therapist_writes_the_formulation(
    cast: SimpleNamespace, role: str, status: int
) -> None:
    http = signed_in(getattr(cast, role))
    response = csrf_post(http, _save_url(cast), _data(cast.episode, primary_problem_area="grief"))
    assert response.status_code == status
    stage = reverse("ipt:dispute_stage_add", args=[cast.episode.public_id])
    assert csrf_post(http, stage, {"stage-stage": "impasse"}).status_code == status
    assert Episode.objects.get(pk=cast.episode.pk).primary_problem_area == ""


def test_choosing_grief_adds_the_grief_measure(cast) -> None:
    from rapport.ipt import services
    from rapport.measures.models import ScheduledMeasure

    cast.episode.primary_problem_area = "grief"
    services.choose_problem_areas(cast.episode)
    codes = set(
        ScheduledMeasure.objects.filter(context_id=cast.episode.public_id).values_list(
            "instrument", flat=True
        )
    )
    assert "pg13r" in codes


def test_goals_are_edited_in_textareas_that_show_the_whole_sentence(cast: SimpleNamespace) -> None:
    html = str(GoalAddForm(episode=cast.episode)["text"])
    assert html.startswith("<textarea")
    assert 'maxlength="500"' in html
