"""The IPT app's part of the demo clinic (``manage.py seed_demo``): fictional episodes.

Every person and event here is invented. Rows are written through the models
and services, dated relative to today so the dashboard looks lived-in. It loads
once: a demo clinic that already has episodes is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from rapport.clients.models import Client
from rapport.core.fields import sealed
from rapport.core.hooks import demo_loader
from rapport.core.models import Clinic, User
from rapport.ipt import catalogue, diagnoses, services
from rapport.ipt.catalogue import DisputeStage, EpisodeType, ProblemArea, Technique
from rapport.ipt.models import (
    ClosenessRating,
    Contract,
    CosignReview,
    DisputeStageAssessment,
    Episode,
    EpisodeDiagnosis,
    EpisodeTask,
    FidelityRating,
    InventoryPerson,
    MaintenancePlan,
    SessionNote,
    TimelineEvent,
)

WEEK = timedelta(weeks=1)


@dataclass
class Person:
    name: str
    relationship: str
    ring: int
    influence: str = InventoryPerson.Influence.NEITHER
    deceased: bool = False
    onset: bool = False
    end_ring: int | None = None  # re-rated at termination (§1.6)


@dataclass
class Course:
    """One demo client's IPT story: enough to put the episode in a given phase."""

    client: str  # "Given Family", as in seed_demo.CLIENTS
    area: str
    planned: int | None
    held: int
    onset: str
    people: list[Person] = field(default_factory=list)
    secondary: str = ""
    drafts: int = 0  # draft notes after the held sessions
    awaiting: int = 0  # of the held sessions, the last N wait for co-signature
    returned: bool = False  # the first draft came back from the supervisor
    stage: str = ""  # role disputes: the current stage
    extended_to: int | None = None  # a renegotiated contract


ACUTE: list[Course] = [
    Course(
        "Taylor Fictional",
        ProblemArea.ROLE_TRANSITION,
        None,
        1,
        "Started university in another city",
        [Person("Mum", "parent", 1, "support"), Person("Flatmate K.", "friend", 3)],
        drafts=1,
    ),
    Course(
        "Jordan Example",
        ProblemArea.ROLE_TRANSITION,
        12,
        6,
        "Moved for a new job",
        [
            Person("Old friend D.", "friend", 2, "support", onset=True),
            Person("Manager P.", "colleague", 3, "stressor"),
        ],
        drafts=1,
    ),
    Course(
        "Riley Placeholder",
        ProblemArea.ROLE_DISPUTE,
        12,
        8,
        "Arguments began after partner's new shifts",
        [Person("Partner S.", "partner", 1, "both", onset=True), Person("Sister", "sibling", 2)],
        stage=DisputeStage.RENEGOTIATION,
        extended_to=14,
    ),
    Course(
        "Casey Sample",
        ProblemArea.GRIEF,
        12,
        10,
        "Death of father",
        [
            Person("Father", "parent", 1, "support", deceased=True, onset=True),
            Person("Partner A.", "partner", 1, "support"),
            Person("Neighbour", "other", 3, end_ring=2),
        ],
    ),
    Course(
        "Quinn Imaginary",
        ProblemArea.ROLE_DISPUTE,
        16,
        2,
        "Daughter moved out after an argument",
        [Person("Daughter", "child", 2, "stressor", onset=True)],
        stage=DisputeStage.IMPASSE,
    ),
    Course(
        "Harper Testperson",
        ProblemArea.INTERPERSONAL_DEFICITS,
        16,
        7,
        "Few contacts since the baby was born",
        [Person("Health visitor", "other", 3, "support")],
        secondary=ProblemArea.ROLE_TRANSITION,
        drafts=1,
    ),
    # The trainee's cases: notes wait for the supervisor's co-signature.
    Course(
        "Sky Specimen",
        ProblemArea.ROLE_DISPUTE,
        12,
        5,
        "Dispute with flatmate over rent",
        [Person("Flatmate R.", "friend", 2, "stressor", onset=True)],
        awaiting=2,
        stage=DisputeStage.RENEGOTIATION,
    ),
    Course(
        "Jamie Invented",
        ProblemArea.GRIEF,
        12,
        2,
        "Death of a close friend",
        [Person("Friend M.", "friend", 1, "support", deceased=True, onset=True)],
        awaiting=1,
        drafts=1,
        returned=True,
    ),
]
# Completed with a maintenance plan, then a maintenance episode (§4.4).
FINISHED = Course(
    "Morgan Madeup",
    ProblemArea.ROLE_TRANSITION,
    12,
    12,
    "Retirement",
    [
        Person("Spouse", "partner", 2, "both", onset=True, end_ring=1),
        Person("Former colleague", "colleague", 3, "support", end_ring=2),
        Person("Grandson", "family", 2, "support", end_ring=1),
    ],
)
TECHNIQUES = {
    ProblemArea.GRIEF: [Technique.EXPLORATORY, Technique.AFFECT],
    ProblemArea.ROLE_DISPUTE: [Technique.COMMUNICATION_ANALYSIS, Technique.ROLE_PLAY],
    ProblemArea.ROLE_TRANSITION: [Technique.CLARIFICATION, Technique.DECISION_ANALYSIS],
    ProblemArea.INTERPERSONAL_DEFICITS: [
        Technique.THERAPEUTIC_RELATIONSHIP,
        Technique.ROLE_PLAY,
    ],
}


@demo_loader(order=200)
def load(clinic: Clinic, staff: dict[str, Any] | None = None) -> None:
    today = timezone.localdate()
    supervisor = User.objects.get(clinic=clinic, username="supervisor")
    for course in ACUTE:
        _acute(clinic, course, today, supervisor)
    _finished(clinic, FINISHED, today)


def _client(clinic: Clinic, name: str) -> Client:
    given, family = name.split(" ", 1)
    return Client.objects.get(clinic=clinic, given_name=given, family_name=family)


def _acute(clinic: Clinic, course: Course, today: date, supervisor: User) -> Episode:
    client = _client(clinic, course.client)
    # The latest session was yesterday, so "sessions this week" has something to show.
    weeks = max(course.held + course.drafts - 1, 0)
    episode = _open(client, course, today - weeks * WEEK - timedelta(days=1))
    _initial_phase(episode, course, started=episode.started_on)
    for number in range(1, course.held + 1):
        waiting = number > course.held - course.awaiting
        _note(episode, number, course, status="awaiting" if waiting else "signed")
    for number in range(course.held + 1, course.held + course.drafts + 1):
        _note(episode, number, course, status="draft")
    if course.returned:
        draft = episode.notes.get(number=course.held + course.drafts)
        CosignReview.objects.create(
            note=draft,
            supervisor=supervisor,
            decision=CosignReview.Decision.RETURNED,
            comment="Please add the suicidality check before signing. (demo)",
        )
    if course.planned and course.held + 1 > course.planned - episode.termination_phase_sessions:
        services.ensure_termination_tasks(episode)
        _tick(episode, ["discuss_ending", "review_gains"], "Discussed in session (demo).")
    return episode


def _open(client: Client, course: Course, started: date, **fields: Any) -> Episode:
    episode = services.open_episode(
        client, therapist=client.assigned_therapist, started_on=started, **fields
    )
    episode.primary_problem_area = course.area
    episode.secondary_problem_area = course.secondary
    episode.baseline_phq9 = 14
    episode.formulation = (
        f"Fictional demo formulation: low mood linked to {course.onset.lower()} "
        f"({catalogue.ProblemArea(course.area).label})."
    )
    episode.save()
    services.prefill_goals(episode, course.area)
    # A baseline PHQ-9 of 14 with a first episode: moderate, single episode (demo).
    picked = diagnoses.CATALOGUE["F32.1"]
    EpisodeDiagnosis.objects.create(
        episode=episode,
        code=picked.code,
        title=picked.title,
        code_system_version=diagnoses.CODE_SYSTEM_VERSION,
        diagnosed_on=started,
        recorded_by=episode.therapist,
    )
    return episode


def _initial_phase(episode: Episode, course: Course, started: date) -> None:
    """§1.3: inventory, closeness circle, timeline, contract, dispute stage."""
    therapist = episode.therapist
    for person in course.people:
        row = InventoryPerson.objects.create(
            episode=episode,
            name=person.name,
            relationship=person.relationship,
            relationship_detail="Someone I have known for years (demo)",
            contact="Weekly, in person (demo).",
            satisfying="Shared history (demo).",
            unsatisfying="Hard to say what I need (demo).",
            influence=person.influence,
            deceased=person.deceased,
            linked_to_onset=person.onset,
            # A role dispute rests on expectations that differ with the person at its centre.
            reciprocity=(
                InventoryPerson.Reciprocity.NON_RECIPROCAL
                if course.area == ProblemArea.ROLE_DISPUTE and person.onset
                else InventoryPerson.Reciprocity.UNCLEAR
            ),
        )
        ClosenessRating.objects.create(
            person=row, ring=person.ring, rated_on=started, rated_by=therapist
        )
    onset_on = started - timedelta(days=120)
    TimelineEvent.objects.create(
        episode=episode,
        occurred_on=onset_on,
        title=course.onset,
        mood="worse",
        is_onset=True,
        # A move, a new job, retirement: the change the formulation's role transition rests on.
        major_change=course.area == ProblemArea.ROLE_TRANSITION,
    )
    TimelineEvent.objects.create(
        episode=episode,
        occurred_on=started - timedelta(days=14),
        title="Asked the GP for help (demo)",
        mood="none",
    )
    if course.stage:
        DisputeStageAssessment.objects.create(
            episode=episode, stage=course.stage, assessed_on=started, assessed_by=therapist
        )
    if course.planned:
        _contracts(episode, course, started)
    done = course.held >= episode.initial_phase_sessions
    codes = [t.code for t in catalogue.INITIAL_TASKS]
    _tick(episode, codes if done else codes[:4], "Done (demo).")


def _contracts(episode: Episode, course: Course, started: date) -> None:
    first = started + WEEK * episode.initial_phase_sessions
    Contract.objects.create(
        episode=episode,
        version=1,
        planned_sessions=course.planned,
        start_on=first,
        expected_end_on=started + WEEK * (course.planned - 1),
        focus=f"Primary problem area: {catalogue.ProblemArea(course.area).label}.",
        missed_session_policy="A missed session is not made up; after two we review (demo).",
        created_by=episode.therapist,
        acknowledged_at=timezone.now(),
        acknowledged_how=Contract.Acknowledgement.IN_PERSON,
    )
    if course.extended_to:  # §4.1: an extension is renegotiated explicitly
        Contract.objects.create(
            episode=episode,
            version=2,
            kind=Contract.Kind.EXTENSION,
            planned_sessions=course.extended_to,
            start_on=first,
            expected_end_on=started + WEEK * (course.extended_to - 1),
            reason="Agreed two more sessions to finish renegotiating the dispute (demo).",
            created_by=episode.therapist,
        )


def _note(episode: Episode, number: int, course: Course, status: str) -> SessionNote:
    planned = course.extended_to or course.planned
    signed = status != "draft"
    note = SessionNote.objects.create(
        episode=episode,
        author=episode.therapist,
        number=number,
        held_on=episode.started_on + WEEK * (number - 1),
        phase=episode.phase_for_session(number, planned),
        mood_rating=min(3 + number // 2, 9),
        symptom_review="Sleep a little better; energy low in the mornings (demo).",
        suicidality=SessionNote.Suicidality.NONE,
        interval_events="A difficult conversation, then a better day (demo).",
        problem_area_work=f"Worked on {catalogue.ProblemArea(course.area).label.lower()} (demo).",
        techniques=[str(t) for t in TECHNIQUES[course.area]] if signed else [],
        dispute_stage=course.stage,
        between_session_plan="Try saying one need out loud (demo).",
        status={
            "draft": SessionNote.Status.DRAFT,
            "awaiting": SessionNote.Status.AWAITING_COSIGN,
            "signed": SessionNote.Status.SIGNED,
        }[status],
        signed_at=timezone.now() if signed else None,
        signed_by=episode.therapist if signed else None,
    )
    if signed:
        FidelityRating.objects.create(note=note, in_phase="yes", on_focus="yes")
    return note


def _tick(episode: Episode, codes: list[str], note: str) -> None:
    EpisodeTask.objects.filter(episode=episode, code__in=codes).update(
        done=True, completed_at=timezone.now(), completed_by=episode.therapist
    )
    for task in EpisodeTask.objects.filter(episode=episode, code__in=codes):
        task.note = note
        task.save(update_fields=["note"])


def _finished(clinic: Clinic, course: Course, today: date) -> None:
    """A completed course with its plan, closed, and the monthly maintenance that follows."""
    client = _client(clinic, course.client)
    episode = _open(client, course, today - (course.held + 6) * WEEK)
    _initial_phase(episode, course, started=episode.started_on)
    for number in range(1, course.held + 1):
        _note(episode, number, course, status="signed")
    services.ensure_termination_tasks(episode)
    _tick(episode, [t.code for t in catalogue.TERMINATION_TASKS], "Done (demo).")
    ended = episode.started_on + WEEK * (course.held - 1)
    for person in episode.people.all():
        spec = next(p for p in course.people if p.name == person.name)
        ClosenessRating.objects.create(
            person=person,
            occasion=ClosenessRating.Occasion.TERMINATION,
            ring=spec.end_ring or spec.ring,
            rated_on=ended,
            rated_by=episode.therapist,
        )
    MaintenancePlan.objects.create(
        episode=episode,
        gains="I found things to fill my week, and I asked my spouse for time together. (demo)",
        warning_signs="Staying in bed past ten; not answering the phone. (demo)",
        coping_strategies="Walk every morning; keep the Thursday volunteering. (demo)",
        supports="Spouse; grandson; the volunteering group. (demo)",
        remaining_goals="Plan one outing a week with friends. (demo)",
        decision=MaintenancePlan.Decision.MAINTENANCE,
        frequency=Contract.Frequency.MONTHLY,
        planned_sessions=12,
        updated_by=episode.therapist,
    )
    Episode.objects.filter(pk=episode.pk).update(
        **sealed(
            episode,
            status=Episode.Status.CLOSED,
            closed_on=ended,
            close_reason=Episode.CloseReason.COMPLETED,
            close_note="Completed the acute course; monthly maintenance agreed. (demo)",
        )
    )
    maintenance = _open(
        client, course, ended + timedelta(days=28), episode_type=EpisodeType.MAINTENANCE
    )
    Contract.objects.create(
        episode=maintenance,
        version=1,
        planned_sessions=12,
        frequency=Contract.Frequency.MONTHLY,
        start_on=maintenance.started_on,
        expected_end_on=maintenance.started_on + timedelta(days=335),
        focus="Monthly maintenance IPT (demo).",
        created_by=maintenance.therapist,
    )
    _note(maintenance, 1, course, status="signed")
