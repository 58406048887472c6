"""The demo clinic's IPT data: every phase and problem area, a trainee awaiting co-signature."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from rapport.core.models import AuditEvent, Supervision, User
from rapport.ipt import note_measures
from rapport.ipt.catalogue import CORE_AREAS, DisputeStage, EpisodeType, Phase, Variant
from rapport.ipt.models import (
    ClosenessRating,
    Contract,
    CosignReview,
    DisputeStageAssessment,
    Episode,
    FidelityRating,
    InventoryPerson,
    MaintenancePlan,
    SessionNote,
    TimelineEvent,
)

MODELS = [
    Episode,
    Contract,
    SessionNote,
    InventoryPerson,
    ClosenessRating,
    TimelineEvent,
    MaintenancePlan,
    CosignReview,
    FidelityRating,
    DisputeStageAssessment,
]


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def demo(db) -> StringIO:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out


def test_it_puts_an_episode_in_every_phase(demo: StringIO) -> None:
    phases = {episode.current_phase() for episode in Episode.objects.all()}
    assert phases == set(Phase.values)


def test_it_represents_every_problem_area_and_a_staged_dispute(demo: StringIO) -> None:
    areas = set(Episode.objects.values_list("primary_problem_area", flat=True))
    assert set(CORE_AREAS) <= areas  # the demo's adult episodes: the protocol's four
    stages = set(DisputeStageAssessment.objects.values_list("stage", flat=True))
    assert stages <= set(DisputeStage.values)
    assert stages


def test_it_closes_one_course_with_a_plan_and_follows_it_with_maintenance(demo: StringIO) -> None:
    closed = Episode.objects.get(status=Episode.Status.CLOSED)
    assert closed.close_reason == Episode.CloseReason.COMPLETED
    assert closed.maintenance_plan.decision == MaintenancePlan.Decision.MAINTENANCE
    assert closed.client.episodes.get(status=Episode.Status.ACTIVE).episode_type == (
        EpisodeType.MAINTENANCE
    )
    occasions = set(
        ClosenessRating.objects.filter(person__episode=closed).values_list("occasion", flat=True)
    )
    assert occasions == {ClosenessRating.Occasion.INTAKE, ClosenessRating.Occasion.TERMINATION}


def test_it_fills_in_the_clinical_record(demo: StringIO) -> None:
    """The individual-IPT courses carry the whole record; the other manuals' demo episodes
    show what their manual adds (tested in tests/groups, tests/rhythms, test_family_demo,
    tests/measures/test_variant_demo.py)."""
    individual = {"episode__variant": Variant.STANDARD}
    assert (
        TimelineEvent.objects.filter(is_onset=True, **individual).count()
        == Episode.objects.filter(episode_type=EpisodeType.ACUTE, variant=Variant.STANDARD).count()
    )
    assert Contract.objects.filter(version=2, kind=Contract.Kind.EXTENSION).count() == 1
    notes = SessionNote.objects.filter(**individual)
    signed = notes.filter(status=SessionNote.Status.SIGNED)
    assert all(note.techniques for note in signed)
    assert (
        FidelityRating.objects.filter(note__episode__variant=Variant.STANDARD).count()
        == signed.count() + notes.filter(status=SessionNote.Status.AWAITING_COSIGN).count()
    )
    assert SessionNote.objects.filter(
        status=SessionNote.Status.DRAFT, author__username="therapist"
    ).exists()


def test_it_gives_the_trainee_notes_awaiting_co_signature(demo: StringIO) -> None:
    trainee = User.objects.get(username="trainee")
    link = Supervision.objects.get(supervisee=trainee)
    assert link.supervisor.username == "supervisor"
    assert link.cosigns_notes
    assert (
        SessionNote.objects.filter(
            author=trainee, status=SessionNote.Status.AWAITING_COSIGN
        ).count()
        == 3
    )
    assert CosignReview.objects.filter(
        note__author=trainee, decision=CosignReview.Decision.RETURNED
    ).exists()
    assert "trainee" in demo.getvalue()


def test_it_changes_nothing_when_run_again(demo: StringIO) -> None:
    before = _counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert _counts() == before
    assert "demo data not loaded again" in out.getvalue()


def test_it_writes_no_audit_rows_and_keeps_its_text_fictional(demo: StringIO) -> None:
    # Demo rows are loaded, not read or written by a person: nothing to audit.
    assert not AuditEvent.objects.filter(action__startswith="ipt.").exists()
    assert all("(demo)" in plan.gains for plan in MaintenancePlan.objects.all())


def test_it_gives_every_signed_note_the_snapshot_of_its_session_day(demo: StringIO) -> None:
    locked = SessionNote.objects.exclude(status=SessionNote.Status.DRAFT)
    assert locked.exists()
    assert all(note.signed_snapshot for note in locked)
    note = locked.filter(episode__client__given_name="Sky").order_by("-number").first()
    # What the note page shows is the record of its day, not a reconstruction note.
    assert note_measures.for_note(note)["basis"] == note_measures.SIGNED
    shown = json.loads(note.signed_snapshot)
    assert shown == {"format": note_measures.SNAPSHOT_FORMAT, **note_measures.as_recorded(note)}
