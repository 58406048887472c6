"""The summary for the client and guardian sharing, on the formulation page (staff side)."""

from __future__ import annotations

from types import SimpleNamespace

from django.urls import reverse

from rapport.core.models import AuditEvent
from rapport.ipt import catalogue, summaries
from rapport.ipt.models import ClientSummary, Episode, Goal
from tests.factories import csrf_post, signed_in


def _page(cast: SimpleNamespace) -> str:
    return reverse("ipt:formulation", args=[cast.episode.public_id])


def _save(cast: SimpleNamespace, text: str, seen: str | None = None, user=None) -> object:
    if seen is None:
        seen = summaries.seen_mark(summaries.latest(cast.episode))
    url = reverse("ipt:client_summary_save", args=[cast.episode.public_id])
    http = signed_in(user or cast.therapist)
    return csrf_post(http, url, {"summary-text": text, "summary-seen": seen})


def _approve(cast: SimpleNamespace, summary: ClientSummary, user=None) -> object:
    url = reverse("ipt:client_summary_approve", args=[cast.episode.public_id])
    return csrf_post(signed_in(user or cast.therapist), url, {"summary": str(summary.public_id)})


def test_it_shows_guidance_and_shares_nothing_before_approval(cast: SimpleNamespace) -> None:
    response = signed_in(cast.therapist).get(_page(cast))
    html = response.content.decode()
    assert "Summary for the client" in html
    assert "Leave out diagnostic labels" in html
    assert "Nothing is shared with the client yet." in html


def test_it_saves_a_draft_then_rewrites_it_in_place(cast: SimpleNamespace) -> None:
    assert _save(cast, "Since your mother died, you have pulled away.").status_code == 302
    assert _save(cast, "Since your mother died in March, you have pulled away.").status_code == 302
    draft = ClientSummary.objects.get()
    assert draft.is_draft
    assert draft.version == 1
    assert draft.text == "Since your mother died in March, you have pulled away."
    assert summaries.approved(cast.episode) is None
    event = AuditEvent.objects.filter(action="ipt.client_summary.drafted").last()
    assert event.fields == ["text"]  # names, never the text
    assert "mother" not in str(event.__dict__)


def test_it_approves_and_a_later_edit_starts_a_new_draft(cast: SimpleNamespace) -> None:
    _save(cast, "First words.")
    first = ClientSummary.objects.get()
    assert _approve(cast, first).status_code == 302
    first.refresh_from_db()
    assert first.approved_at is not None
    assert first.approved_by == cast.therapist
    assert AuditEvent.objects.filter(action="ipt.client_summary.approved").exists()

    _save(cast, "Second words.")
    first.refresh_from_db()
    assert first.text == "First words."  # approved text is never changed
    second = summaries.latest(cast.episode)
    assert second.version == 2
    assert second.is_draft
    # The client keeps the approved version until the new draft is approved.
    assert summaries.approved(cast.episode) == first
    html = signed_in(cast.therapist).get(_page(cast)).content.decode()
    assert "The client sees version 1" in html
    assert "Draft version 2" in html
    _approve(cast, second)
    assert summaries.approved(cast.episode) == second


def test_it_refuses_a_save_over_someone_elses_newer_text(cast: SimpleNamespace) -> None:
    stale = summaries.seen_mark(None)
    _save(cast, "Mine.")
    response = _save(cast, "Theirs, typed on an old page.", seen=stale)
    assert response.status_code == 200
    assert "Someone changed the summary while you were editing" in response.content.decode()
    assert "Theirs, typed on an old page." in response.content.decode()  # nothing lost
    assert ClientSummary.objects.get().text == "Mine."


def test_it_refuses_to_approve_a_draft_that_moved_on(cast: SimpleNamespace) -> None:
    _save(cast, "One.")
    first = ClientSummary.objects.get()
    _approve(cast, first)
    _save(cast, "Two.")  # a newer draft since the page with version 1 was opened
    url = reverse("ipt:client_summary_approve", args=[cast.episode.public_id])
    data = {"summary": str(first.public_id)}
    response = csrf_post(signed_in(cast.therapist), url, data, follow=True)
    assert ClientSummary.objects.approved().count() == 1
    assert summaries.latest(cast.episode).is_draft
    assert "The summary changed before you approved it" in response.content.decode()


def test_it_refuses_an_empty_summary(cast: SimpleNamespace) -> None:
    response = _save(cast, "   ")
    assert response.status_code == 200
    assert "Write the summary before saving it." in response.content.decode()
    assert not ClientSummary.objects.exists()


def test_a_supervisor_reads_but_cannot_write_or_approve(cast: SimpleNamespace) -> None:
    _save(cast, "Shared words.")
    draft = ClientSummary.objects.get()
    html = signed_in(cast.supervisor).get(_page(cast)).content.decode()
    assert "Shared words." in html
    assert "Save draft" not in html
    assert _save(cast, "Supervisor's words.", user=cast.supervisor).status_code == 403
    assert _approve(cast, draft, user=cast.supervisor).status_code == 403
    draft.refresh_from_db()
    assert draft.is_draft


def test_another_therapist_finds_nothing(cast: SimpleNamespace) -> None:
    assert _save(cast, "Words.", user=cast.colleague).status_code == 404
    assert not ClientSummary.objects.exists()


def _adolescent(cast: SimpleNamespace) -> Episode:
    Episode.objects.filter(pk=cast.episode.pk).update(
        variant=catalogue.Variant.ADOLESCENT, primary_problem_area=catalogue.ProblemArea.GRIEF
    )
    cast.episode.refresh_from_db()
    return cast.episode


def test_it_offers_guardian_sharing_for_adolescents_only(cast: SimpleNamespace) -> None:
    assert (
        "Shared with a parent or guardian"
        not in signed_in(cast.therapist).get(_page(cast)).content.decode()
    )
    _adolescent(cast)
    html = signed_in(cast.therapist).get(_page(cast)).content.decode()
    assert "Shared with a parent or guardian" in html
    assert "never see the client's questionnaire answers" in html


def test_it_saves_what_a_guardian_sees_part_by_part_and_goal_by_goal(
    cast: SimpleNamespace,
) -> None:
    episode = _adolescent(cast)
    shared = Goal.objects.create(episode=episode, problem_area="grief", text="Talk about Dad")
    private = Goal.objects.create(episode=episode, problem_area="grief", text="Private goal")
    url = reverse("ipt:guardian_sharing_save", args=[episode.public_id])
    data = {"sharing-summary": "on", "sharing-goals": [str(shared.public_id)]}
    assert csrf_post(signed_in(cast.therapist), url, data).status_code == 302
    episode.refresh_from_db()
    assert episode.guardian_sees_summary
    assert not episode.guardian_sees_contract
    assert not episode.guardian_sees_safety_plan
    shared.refresh_from_db()
    private.refresh_from_db()
    assert shared.shared_with_guardian
    assert not private.shared_with_guardian
    event = AuditEvent.objects.get(action="ipt.guardian_sharing.updated")
    assert event.fields == ["goal.shared_with_guardian", "guardian_sees_summary"]


def test_a_supervisor_cannot_change_sharing(cast: SimpleNamespace) -> None:
    episode = _adolescent(cast)
    url = reverse("ipt:guardian_sharing_save", args=[episode.public_id])
    response = csrf_post(signed_in(cast.supervisor), url, {"sharing-summary": "on"})
    assert response.status_code == 403
    episode.refresh_from_db()
    assert not episode.guardian_sees_summary
