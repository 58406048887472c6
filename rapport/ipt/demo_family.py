"""The demo clinic's family work (issue 15 items 2, 3 and 8): a child of 9 in family-based
IPT with her mother, and an adolescent of 15 in IPT-A with his father.

Both have their parent as a participant with consent, assent and the confidentiality
agreement, held sessions with their format, the manual's note sections and the parent's
attendance, a parent contact in the log, and (FB-IPT) the child's and the parent's SMFQ.
Every person here is invented. The manuals are chosen by age group, as intake does.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from rapport.clients.models import Client
from rapport.core.hooks import demo_loader
from rapport.core.models import Clinic
from rapport.ipt import family, note_measures, services, variants
from rapport.ipt.catalogue import Technique
from rapport.ipt.models import (
    CaregiverContact,
    ConfidentialityAgreement,
    ConsentRecord,
    Episode,
    FidelityRating,
    Participant,
    ParticipantAttendance,
    SessionNote,
    TimelineEvent,
)
from rapport.measures import services as measure_services
from rapport.measures.models import Response

WEEK = timedelta(weeks=1)
PARENT_CHILD, PARENT_ONLY = variants.SessionFormat.PARENT_CHILD, variants.SessionFormat.PARENT_ONLY

# (format, {section: text}) for FB-IPT sessions 1–4; session 4 is held with the mother only.
FB_SESSIONS = (
    (
        PARENT_CHILD,
        {
            "joint_checkin": "Mood thermometer 3 of 10; tearful at bedtime (demo).",
            "child_alone": "Drew the mood thermometer together (demo).",
            "caregiver_alone": "Depression explained; the expanded limited sick role (demo).",
        },
    ),
    (
        PARENT_CHILD,
        {
            "joint_checkin": "Mood 4 of 10 (demo).",
            "child_alone": "Closeness circle: two friends in the middle ring (demo).",
            "caregiver_alone": "Parenting challenges: mornings before school (demo).",
        },
    ),
    (
        PARENT_CHILD,
        {
            "joint_checkin": "Mood 4 of 10 (demo).",
            "child_alone": "Interpersonal inventory: a falling-out with a classmate (demo).",
            "caregiver_alone": "Mother's view of the friendships (demo).",
        },
    ),
    (
        PARENT_ONLY,
        {"caregiver_alone": "Parent tips: praise small steps, one calm talk a day (demo)."},
    ),
)


@demo_loader(order=370)
def load_family(clinic: Clinic, staff: dict[str, Any]) -> None:
    therapist = staff["therapist"]
    today = timezone.localdate()
    _fb_ipt(clinic, therapist, today)
    _ipt_a(clinic, therapist, today)


def _client(clinic: Clinic, therapist: Any, given: str, family_name: str, born: date) -> Client:
    return Client.objects.create(
        clinic=clinic,
        given_name=given,
        family_name=family_name,
        date_of_birth=born,
        assigned_therapist=therapist,
        background="Fictional demo client.",
    )


def _years_ago(today: date, years: int) -> date:
    return today.replace(year=today.year - years) - timedelta(days=100)


def _family(episode: Episode, name: str, relationship: str, by: Any) -> Participant:
    """The parent with legal authority, their consent, the child's assent, the agreement."""
    parent = Participant.objects.create(
        episode=episode,
        role=variants.ParticipantRole.PARENT_CAREGIVER,
        name=name,
        relationship=relationship,
        contact="555 0199, evenings (demo)",
        has_legal_authority=True,
        may_receive_attendance=True,
        may_receive_progress=True,
        may_receive_safety_plan=True,
        added_by=by,
    )
    day = episode.started_on
    for kind, signer in ((ConsentRecord.Kind.CONSENT, parent), (ConsentRecord.Kind.ASSENT, None)):
        ConsentRecord.objects.create(
            episode=episode, kind=kind, signer=signer, given_on=day, recorded_by=by
        )
    ConfidentialityAgreement.objects.create(
        episode=episode,
        explained_on=day,
        explained_to_client=True,
        explained_to_guardians=True,
        recorded_by=by,
    )
    return parent


def _onset(episode: Episode, title: str) -> None:
    TimelineEvent.objects.create(
        episode=episode,
        occurred_on=episode.started_on - timedelta(weeks=10),
        title=title,
        mood="worse",
        is_onset=True,
    )


def _signed(episode: Episode) -> None:
    """Signed notes show what was true on their session day, with a fidelity rating."""
    for note in SessionNote.objects.filter(episode=episode):
        note.signed_snapshot = note_measures.snapshot_as_recorded(note)
        note.save(update_fields=["signed_snapshot"])
        FidelityRating.objects.create(note=note, in_phase="yes", on_focus="yes")


def _note(episode: Episode, number: int, fmt: str, sections: dict[str, str]) -> SessionNote:
    return SessionNote.objects.create(
        episode=episode,
        author=episode.therapist,
        number=number,
        held_on=episode.started_on + WEEK * (number - 1),
        phase=episode.phase_for_session(number, None),
        mood_rating=4,
        symptom_review="Sleeping better; still irritable after school (demo).",
        suicidality=SessionNote.Suicidality.NONE,
        techniques=[str(Technique.CLARIFICATION)],
        session_format=fmt,
        sections=sections,
        status=SessionNote.Status.SIGNED,
        signed_at=timezone.now(),
        signed_by=episode.therapist,
    )


def _attended(note: SessionNote, parent: Participant, *, joint: bool, by: Any) -> None:
    ParticipantAttendance.objects.create(
        note=note, participant=parent, present=True, joint=joint, seen_alone=True, recorded_by=by
    )


def _contact(episode: Episode, parent: Participant, day: date, summary: str, by: Any) -> None:
    CaregiverContact.objects.create(
        episode=episode,
        participant=parent,
        contact_on=day,
        mode=CaregiverContact.Mode.PHONE,
        initiated_by=CaregiverContact.InitiatedBy.PARENT,
        category=CaregiverContact.Category.SCHEDULING,
        client_informed=CaregiverContact.Informed.YES,
        summary=summary,
        recorded_by=by,
    )


def _fb_ipt(clinic: Clinic, therapist: Any, today: date) -> None:
    child = _client(clinic, therapist, "Lily", "Madeup", _years_ago(today, 9))
    started = today - WEEK * len(FB_SESSIONS)
    episode = services.open_episode(
        child, therapist=therapist, started_on=started, variant=variants.for_age_group("child")
    )
    mother = _family(episode, "Grace Madeup", "mother", therapist)
    for number, (fmt, sections) in enumerate(FB_SESSIONS, start=1):
        note = _note(episode, number, fmt, sections)
        _attended(note, mother, joint=fmt == PARENT_CHILD, by=therapist)
    _contact(
        episode, mother, started + timedelta(days=10), "Asked to move session 3 (demo).", therapist
    )
    # §2.3 schedule: the child's and the mother's SMFQ at session 1.
    answered = timezone.now() - WEEK * len(FB_SESSIONS)
    for code, value in (("smfq_c", 1), ("smfq_p", 1)):
        response = _smfq(child, episode, code, value, answered, therapist)
        if code == "smfq_p":
            family.record_respondent(response, mother, by=therapist)
    _onset(episode, "Falling-out with her best friend at school (demo)")
    _signed(episode)


def _smfq(client: Client, episode: Episode, code: str, value: int, when: Any, by: Any) -> Response:
    return measure_services.record_response(
        client=client,
        instrument_code=code,
        answers={f"q{n}": value for n in range(1, 14)},
        mode=Response.Mode.IN_SESSION,
        entered_by=by,
        context_id=episode.public_id,
        session_number=1,
        submitted_at=when,
    )


def _ipt_a(clinic: Clinic, therapist: Any, today: date) -> None:
    teen = _client(clinic, therapist, "Sam", "Placeholder", _years_ago(today, 15))
    started = today - WEEK * 2
    episode = services.open_episode(
        teen, therapist=therapist, started_on=started, variant=variants.for_age_group("adolescent")
    )
    father = _family(episode, "Chris Placeholder", "father", therapist)
    first = _note(episode, 1, "", {})
    _attended(first, father, joint=True, by=therapist)  # §1.2: the parent in session 1
    _note(episode, 2, "", {})
    _contact(
        episode,
        father,
        started + timedelta(days=4),
        "Called about school attendance (demo).",
        therapist,
    )
    _onset(episode, "Arguments at home after his parents separated (demo)")
    _signed(episode)
