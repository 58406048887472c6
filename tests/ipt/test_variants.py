"""Variants as data (issue 15 item 1): each manual's defaults come from the catalogue."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from rapport.ipt import services, variants
from rapport.ipt.catalogue import CORE_AREAS, ProblemArea, Technique, Variant
from rapport.ipt.forms.contract import ContractForm
from rapport.ipt.forms.initial import FormulationForm
from rapport.measures import instruments, schedule
from tests.factories import csrf_post, make_client, make_episode, signed_in


def test_every_variant_of_the_spec_has_a_definition_citing_its_section() -> None:
    assert set(variants.DEFINITIONS) == set(Variant.values)
    for definition in variants.DEFINITIONS.values():
        assert "variants.md §" in definition.cites or "ipt-protocol.md §" in definition.cites
        low, high = definition.sessions_range
        assert low <= definition.planned_sessions <= high, definition.code
        assert definition.initial_sessions + definition.termination_sessions <= high
        assert definition.measures, definition.code
        assert set(definition.problem_areas) <= set(ProblemArea.values)
        assert set(definition.techniques) <= set(Technique.values)


def test_variants_add_hide_and_rename_problem_areas_as_the_spec_says() -> None:
    ipsrt = variants.get(Variant.IPSRT)
    assert ProblemArea.GRIEF_LOST_HEALTHY_SELF in ipsrt.problem_areas  # §4.3
    assert ipsrt.added_areas() == ["Grief for the lost healthy self"]
    ptsd = variants.get(Variant.PTSD)
    assert ProblemArea.INTERPERSONAL_DEFICITS not in ptsd.problem_areas  # §6.1
    assert ptsd.hidden_areas() == ["Interpersonal deficits"]
    sad = variants.get(Variant.SOCIAL_ANXIETY)
    assert sad.area_label(ProblemArea.INTERPERSONAL_DEFICITS) == "Role insecurity"  # §6.2
    assert variants.get(Variant.GROUP_WHO).area_label(ProblemArea.ROLE_TRANSITION) == (
        "Life changes"
    )
    assert ProblemArea.COMPLICATED_PREGNANCY in variants.get(Variant.PERINATAL).problem_areas
    for code in (Variant.STANDARD, Variant.ADOLESCENT, Variant.FAMILY_BASED):
        assert variants.get(code).problem_areas == CORE_AREAS


def test_session_counts_follow_the_spec() -> None:
    counts = {code: d.planned_sessions for code, d in variants.DEFINITIONS.items()}
    assert counts[Variant.ADOLESCENT] == 12  # §1.1
    assert counts[Variant.FAMILY_BASED] == 14  # §2.2
    assert counts[Variant.GROUP_WHO] == 8  # §3.1
    assert counts[Variant.GROUP_WILFLEY] == 20  # §3.2
    assert counts[Variant.PTSD] == counts[Variant.SOCIAL_ANXIETY] == 14  # §6
    assert counts[Variant.PERINATAL] == 12  # §7.1
    fb = variants.get(Variant.FAMILY_BASED)
    assert (fb.initial_sessions, fb.termination_sessions) == (5, 3)  # 1–5 / 6–11 / 12–14
    assert len(fb.session_plan) == 14


def test_only_instruments_the_catalogue_has_are_scheduled_the_rest_are_marked() -> None:
    for definition in variants.DEFINITIONS.values():
        for code, cadence in definition.schedule_rows():
            assert code in instruments.CATALOGUE
            assert cadence in schedule.Cadence.values
    ipsrt = {row["title"]: row for row in variants.get(Variant.IPSRT).measures_described()}
    assert ipsrt["Social Rhythm Metric"]["status"] == "not yet available in Rapport"
    assert ipsrt["PHQ-9"]["applied"]
    perinatal = variants.get(Variant.PERINATAL)
    # EPDS needs RCPsych permission (§7.2): offered, never added by itself.
    assert ("epds", "every_session") not in perinatal.schedule_rows()
    assert ("phq9", "every_session") in perinatal.schedule_rows()


@pytest.mark.parametrize(
    ("variant", "instrument", "initial", "termination"),
    [
        (Variant.ADOLESCENT, "phqa", 4, 4),
        (Variant.PERINATAL, "phq9", 3, 3),
        (Variant.PTSD, "phq9", 3, 3),
        (Variant.GROUP_WHO, "phq9", 1, 1),
    ],
)
def test_an_episode_opens_with_its_variants_phases_checklist_and_measures(
    cast: SimpleNamespace, variant: str, instrument: str, initial: int, termination: int
) -> None:
    client = make_client(cast.clinic, cast.therapist)
    episode = make_episode(client, variant=variant)
    definition = variants.get(variant)
    assert (episode.initial_phase_sessions, episode.termination_phase_sessions) == (
        initial,
        termination,
    )
    codes = set(episode.tasks.values_list("code", flat=True))
    assert codes == {task.code for task in definition.all_initial_tasks()}
    scheduled = {row.instrument for row in schedule.rows_for(episode.public_id)}
    assert instrument in scheduled
    assert scheduled == {code for code, _cadence in definition.schedule_rows()}


def test_the_adolescent_checklist_names_the_limited_sick_role_and_parent_tasks(
    cast: SimpleNamespace,
) -> None:
    episode = make_episode(make_client(cast.clinic, cast.therapist), variant=Variant.ADOLESCENT)
    page = signed_in(cast.therapist).get(reverse("ipt:initial_phase", args=[episode.public_id]))
    body = page.content.decode()
    assert "Limited sick role (keep up school and normal activities)" in body
    assert "Consent and assent recorded" in body
    assert "Confidentiality explained to both" in body


def test_the_contract_proposes_the_variants_sessions_and_length(cast: SimpleNamespace) -> None:
    episode = make_episode(make_client(cast.clinic, cast.therapist), variant=Variant.GROUP_WHO)
    episode.primary_problem_area = ProblemArea.ROLE_DISPUTE
    form = ContractForm(episode=episode)
    assert form["planned_sessions"].value() == 8
    assert form["session_minutes"].value() == 90
    assert "8-session course" in form.fields["planned_sessions"].help_text
    assert services.default_focus(episode) == "Primary problem area: Disputes."


def test_the_formulation_offers_the_variants_areas_under_its_labels(cast: SimpleNamespace) -> None:
    episode = make_episode(make_client(cast.clinic, cast.therapist), variant=Variant.SOCIAL_ANXIETY)
    choices = dict(FormulationForm(instance=episode).fields["primary_problem_area"].choices)
    assert choices[ProblemArea.INTERPERSONAL_DEFICITS] == "Role insecurity"
    ptsd = make_episode(make_client(cast.clinic, cast.therapist), variant=Variant.PTSD)
    choices = dict(FormulationForm(instance=ptsd).fields["primary_problem_area"].choices)
    assert ProblemArea.INTERPERSONAL_DEFICITS not in choices


def test_ipsrt_offers_grief_for_the_lost_healthy_self_with_its_goals(cast: SimpleNamespace) -> None:
    episode = make_episode(make_client(cast.clinic, cast.therapist), variant=Variant.IPSRT)
    episode.primary_problem_area = ProblemArea.GRIEF_LOST_HEALTHY_SELF
    episode.save()
    services.choose_problem_areas(episode)
    goals = [goal.text for goal in episode.goals.all()]
    assert goals == [
        "Mourn the person one was, or expected to be, before the illness.",
        "Rebuild realistic goals.",
    ]


def test_starting_an_episode_shows_the_manuals_defaults_before_it_is_created(
    cast: SimpleNamespace,
) -> None:
    client = make_client(cast.clinic, cast.therapist)
    url = reverse("ipt:episode_start", args=[client.public_id])
    form = {"episode_type": "acute", "variant": Variant.IPSRT, "started_on": "2026-11-20"}
    http = signed_in(cast.therapist)
    review = csrf_post(http, url, form)
    body = review.content.decode()
    assert review.status_code == 200
    assert "Start an episode of IPSRT for bipolar disorder (Frank)?" in body
    assert "Grief for the lost healthy self" in body
    assert "Social Rhythm Metric" in body
    assert "not yet available in Rapport" in body
    assert "[VERIFY]" in body
    assert not client.episodes.exists()
    done = csrf_post(http, url, form | {"confirmed": "True"})
    episode = client.episodes.get()
    assert done.url == reverse("ipt:episode", args=[episode.public_id])
    assert episode.variant == Variant.IPSRT
    assert episode.initial_phase_sessions == 4


def test_the_manual_page_shows_the_definition_with_its_open_points(cast: SimpleNamespace) -> None:
    episode = make_episode(make_client(cast.clinic, cast.therapist), variant=Variant.FAMILY_BASED)
    page = signed_in(cast.supervisor).get(reverse("ipt:variant", args=[episode.public_id]))
    body = page.content.decode()
    assert "Family-based IPT for children 7–12" in body
    assert "Introducing FB-IPT and the mood thermometer" in body
    assert "Weeks of the course, session length and the mood thermometer&#x27;s scale." in body
    assert "Change the manual" not in body  # the supervisor reads, the therapist changes


def test_conversion_suggests_the_age_groups_manual_and_opens_the_one_chosen(
    cast: SimpleNamespace,
) -> None:
    from rapport.clients.models import Client
    from tests.intake.queue_helpers import make_request

    req = make_request(cast.clinic, name="Ana Example", age_group="adolescent")
    url = reverse("intake:convert", args=[req.public_id])
    http = signed_in(cast.intake)
    page = http.get(url).content.decode()
    assert '<option value="ipt_a" selected>' in page
    assert "What each manual brings by default" in page
    form = {
        "given_name": "Ana",
        "family_name": "Example",
        "date_of_birth": "2011-04-02",
        "therapist": cast.therapist.public_id,
        "started_on": "2026-10-06",
        "variant": Variant.FAMILY_BASED,
    }
    assert csrf_post(http, url, form).status_code == 302
    episode = Client.objects.get(given_name="Ana").episodes.get()
    assert episode.variant == Variant.FAMILY_BASED
    assert episode.initial_phase_sessions == 5
