"""Changing the manual of a running episode: reviewed first, then kept and audited (item 7)."""

from __future__ import annotations

from types import SimpleNamespace

from django.urls import reverse

from rapport.core.models import AuditEvent
from rapport.ipt.catalogue import ProblemArea, Variant
from rapport.ipt.models import VariantChange
from rapport.measures import schedule
from tests.factories import csrf_post, signed_in


def _change(cast: SimpleNamespace, user=None, **data: object):
    url = reverse("ipt:variant_change", args=[cast.episode.public_id])
    form = {"variant": Variant.ADOLESCENT, "reason": "She is 15; the family will take part."}
    return csrf_post(signed_in(user or cast.therapist), url, form | data)


def test_the_change_is_shown_before_anything_changes(cast: SimpleNamespace) -> None:
    response = _change(cast)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Change from Individual IPT (Weissman, Markowitz &amp; Klerman) to IPT-A" in body
    assert "Consent and assent recorded" in body  # added to the checklist
    assert "Confirm the change of manual" in body
    cast.episode.refresh_from_db()
    assert cast.episode.variant == Variant.STANDARD
    assert not VariantChange.objects.exists()


def test_a_confirmed_change_applies_the_new_defaults_and_is_kept(cast: SimpleNamespace) -> None:
    response = _change(cast, confirmed="True")
    assert response.url == reverse("ipt:variant", args=[cast.episode.public_id])
    cast.episode.refresh_from_db()
    assert cast.episode.variant == Variant.ADOLESCENT
    assert (cast.episode.initial_phase_sessions, cast.episode.termination_phase_sessions) == (4, 4)
    codes = set(cast.episode.tasks.values_list("code", flat=True))
    assert {"consent_assent", "confidentiality_explained", "parent_contact_plan"} <= codes
    assert "phqa" in {row.instrument for row in schedule.rows_for(cast.episode.public_id)}
    change = VariantChange.objects.get(episode=cast.episode)
    assert (change.from_variant, change.to_variant) == (Variant.STANDARD, Variant.ADOLESCENT)
    assert change.reason == "She is 15; the family will take part."
    assert change.changed_by == cast.therapist
    event = AuditEvent.objects.get(action="ipt.episode.variant_changed")
    assert event.subject_id == cast.client.public_id
    assert "family" not in str(event.__dict__)  # the reason stays out of the audit trail
    page = signed_in(cast.therapist).get(reverse("ipt:variant", args=[cast.episode.public_id]))
    assert "She is 15; the family will take part." in page.content.decode()


def test_a_change_needs_a_reason_and_a_different_manual(cast: SimpleNamespace) -> None:
    response = _change(cast, reason="  ")
    assert response.status_code == 400
    assert "Say why the manual changes." in response.content.decode()
    response = _change(cast, variant=Variant.STANDARD, confirmed="True")
    assert response.status_code == 400
    assert not VariantChange.objects.exists()


def test_a_manual_without_the_chosen_area_is_refused_until_the_focus_changes(
    cast: SimpleNamespace,
) -> None:
    cast.episode.primary_problem_area = ProblemArea.INTERPERSONAL_DEFICITS
    cast.episode.save()
    response = _change(cast, variant=Variant.PTSD, confirmed="True")
    assert response.status_code == 400
    assert "does not use the problem area" in response.content.decode()
    cast.episode.refresh_from_db()
    assert cast.episode.variant == Variant.STANDARD


def test_only_the_therapist_changes_the_manual(cast: SimpleNamespace) -> None:
    assert _change(cast, user=cast.supervisor, confirmed="True").status_code == 403
    assert _change(cast, user=cast.colleague, confirmed="True").status_code == 404
    cast.episode.refresh_from_db()
    assert cast.episode.variant == Variant.STANDARD
