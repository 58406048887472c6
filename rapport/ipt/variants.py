"""Each IPT variant as data: what a course of that manual brings by default.

A variant is a ``VariantDefinition`` in ``DEFINITIONS``: its session count and
length, phase allocation, checklists, problem areas (with the ones it renames,
adds or hides), techniques, session-note sections, measurement schedule, the
termination and maintenance specifics, and the points still to verify. Views,
services and templates ask ``of(episode)`` and read fields; none branches on a
variant's name (tests/ipt/test_variant_branches.py scans for that).

Every entry cites the clinical specification: variants.md ("§" below unless
another file is named) and ipt-protocol.md ("protocol §"). [VERIFY] points are
kept as ``verify`` notes, shown wherever the variant's defaults are shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.ipt import catalogue
from rapport.ipt.catalogue import ProblemArea, Task, Technique, Variant
from rapport.measures import instruments


class Delivery(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual sessions")
    GROUP = "group", _("Group sessions (each member keeps their own episode)")


class ParticipantRole(models.TextChoices):
    """§0: who may take part in a session besides the therapist."""

    CLIENT = "client", _("Client")
    PARENT_CAREGIVER = "parent_caregiver", _("Parent or caregiver")
    PARTNER = "partner", _("Partner")
    GROUP_MEMBER = "group_member", _("Group member")
    FACILITATOR = "facilitator", _("Facilitator")
    CO_FACILITATOR = "co_facilitator", _("Co-facilitator")
    INTERPRETER = "interpreter", _("Interpreter")
    OTHER = "other", _("Other")


class When(models.TextChoices):
    """When a measure is given. The first three are the measures schedule's own cadences
    (measures.ScheduledMeasure.Cadence) and are applied; the others are catalogue data
    the schedule cannot run yet, shown as "not yet available"."""

    EVERY_SESSION = "every_session", _("Before every session")
    EVERY_FOURTH = "every_fourth", _("Every fourth session")
    START_AND_END = "start_and_end", _("At the start and at the end")
    EVERY_SECOND = "every_second", _("Every second session")
    DAILY = "daily", _("Every day (client diary)")
    WEEKLY_ACUTE = "weekly_acute", _("Weekly in the acute phase, monthly in maintenance")
    SESSIONS_1_5_9_14 = "sessions_1_5_9_14", _("Sessions 1, 5, 9 and 14")
    START_MID_END = "start_mid_end", _("Session 1, the mid-point and the last session")
    INTAKE_MID_END_FOLLOW_UP = "intake_mid_end_follow_up", _("Intake, mid-point, end, follow-up")
    INTAKE_END_SUSPICION = (
        "intake_end_suspicion",
        _("Intake, end of the acute phase, and when (hypo)mania is suspected"),
    )
    AFTER_END = "after_end", _("6–8 weeks after the last session")


SCHEDULE_CADENCES = {When.EVERY_SESSION, When.EVERY_FOURTH, When.START_AND_END}


@dataclass(frozen=True)
class MeasureDefault:
    """One row of a variant's default measurement schedule.

    ``instrument`` is a measures catalogue code, or the code an instrument will
    have once it is built (measures.md §7 licensing decides how). ``optional``
    rows are offered, never added by themselves (licence or practice choice).
    """

    instrument: str
    title: Any
    when: str
    optional: bool = False
    note: Any = ""


class SessionFormat(models.TextChoices):
    """§2.2, §2.4: whom the therapist meets in a session of a family-based manual."""

    PARENT_CHILD = "parent_child", _("Parent and child")
    PARENT_ONLY = "parent_only", _("Parent only")
    CHILD_ONLY = "child_only", _("Child only")


# Who is in the room in each format; a note section needs all of its ``needs`` present.
CHILD, PARENT = "child", "parent"
FORMAT_PRESENT: dict[str, frozenset[str]] = {
    SessionFormat.PARENT_CHILD: frozenset({CHILD, PARENT}),
    SessionFormat.PARENT_ONLY: frozenset({PARENT}),
    SessionFormat.CHILD_ONLY: frozenset({CHILD}),
}


class SectionKind(models.TextChoices):
    """How the note holds a section: ``listed`` is only named on the manual's page (its
    storage belongs to a later item), ``text`` and ``choice`` are fields of the note,
    ``attendance`` is the participants' attendance for the session."""

    LISTED = "listed", _("Listed")
    TEXT = "text", _("Text")
    CHOICE = "choice", _("Choice")
    ATTENDANCE = "attendance", _("Attendance")


@dataclass(frozen=True)
class NoteSection:
    """A section a variant adds to the session note."""

    code: str
    label: Any
    hint: Any = ""
    kind: str = SectionKind.LISTED
    # Who must be in the session for the section to apply (FORMAT_PRESENT); () = always.
    needs: tuple[str, ...] = ()
    choices: tuple[tuple[str, Any], ...] = ()

    @property
    def stored(self) -> bool:
        return self.kind in (SectionKind.TEXT, SectionKind.CHOICE)

    def applies(self, session_format: str) -> bool:
        present = FORMAT_PRESENT.get(session_format)
        return present is None or set(self.needs) <= present


@dataclass(frozen=True)
class PlannedSession:
    """One row of a manual's session plan: its topic, usual format and note sections."""

    topic: Any
    session_format: str = ""
    sections: tuple[str, ...] = ()

    def __str__(self) -> str:
        return str(self.topic)

    @property
    def format_label(self) -> str:
        return str(SessionFormat(self.session_format).label) if self.session_format else ""


@dataclass(frozen=True)
class VariantDefinition:
    code: str
    cites: str
    summary: Any
    ages: Any
    planned_sessions: int
    sessions_range: tuple[int, int]
    session_minutes: int
    minutes_note: Any
    initial_sessions: int
    termination_sessions: int
    phase_note: Any
    measures: tuple[MeasureDefault, ...]
    # §4.2 of the protocol: a severe depression asks for this many sessions instead.
    severe_sessions: int | None = None
    delivery: str = Delivery.INDIVIDUAL
    participant_roles: tuple[str, ...] = (ParticipantRole.CLIENT,)
    problem_areas: tuple[str, ...] = (
        ProblemArea.GRIEF,
        ProblemArea.ROLE_DISPUTE,
        ProblemArea.ROLE_TRANSITION,
        ProblemArea.INTERPERSONAL_DEFICITS,
    )
    area_labels: dict[str, Any] = field(default_factory=dict)
    area_note: Any = ""
    initial_tasks: tuple[Task, ...] = ()
    middle_tasks: tuple[Task, ...] = ()
    termination_tasks: tuple[Task, ...] = ()
    task_labels: dict[str, Any] = field(default_factory=dict)
    techniques: tuple[str, ...] = tuple(Technique.values)
    note_sections: tuple[NoteSection, ...] = ()
    session_plan: tuple[Any, ...] = ()
    # The formats a session may take (FB-IPT: parent and child, parent only, child only).
    session_formats: tuple[str, ...] = ()
    format_note: Any = ""
    # A participant role the episode must have before its first session (FB-IPT §2.4).
    required_role: str = ""
    termination: tuple[Any, ...] = ()
    maintenance: tuple[Any, ...] = ()
    safety: tuple[Any, ...] = ()
    verify: tuple[Any, ...] = ()

    @property
    def label(self) -> str:
        return str(Variant(self.code).label)

    @property
    def delivery_label(self) -> str:
        return str(Delivery(self.delivery).label)

    def applied_measure_titles(self) -> str:
        return ", ".join(str(row["title"]) for row in self.measures_described() if row["applied"])

    @property
    def involves_guardians(self) -> bool:
        return ParticipantRole.PARENT_CAREGIVER in self.participant_roles

    @property
    def other_participant_roles(self) -> list[tuple[str, str]]:
        """The roles a participant other than the client may have on an episode."""
        return [
            (role, str(ParticipantRole(role).label))
            for role in self.participant_roles
            if role != ParticipantRole.CLIENT
        ]

    def all_initial_tasks(self) -> tuple[Task, ...]:
        return catalogue.INITIAL_TASKS + self.initial_tasks

    def all_termination_tasks(self) -> tuple[Task, ...]:
        return catalogue.TERMINATION_TASKS + self.termination_tasks

    def task_label(self, task: Task) -> str:
        return str(self.task_labels.get(task.code, task.label))

    def area_label(self, area: str) -> str:
        return str(self.area_labels.get(area, ProblemArea(area).label))

    def area_choices(self) -> list[tuple[str, str]]:
        return [(area, self.area_label(area)) for area in self.problem_areas]

    def hidden_areas(self) -> list[str]:
        return [self.area_label(a) for a in catalogue.CORE_AREAS if a not in self.problem_areas]

    def added_areas(self) -> list[str]:
        return [self.area_label(a) for a in self.problem_areas if a not in catalogue.CORE_AREAS]

    def technique_choices(self) -> list[tuple[str, str]]:
        return [(code, str(Technique(code).label)) for code in self.techniques]

    def planned_session(self, number: int) -> PlannedSession | None:
        """The plan's row for session ``number`` (1-based), if the manual has a plan."""
        if 1 <= number <= len(self.session_plan):
            row = self.session_plan[number - 1]
            return row if isinstance(row, PlannedSession) else PlannedSession(row)
        return None

    def format_choices(self) -> list[tuple[str, str]]:
        return [(code, str(SessionFormat(code).label)) for code in self.session_formats]

    def default_format(self, number: int) -> str:
        row = self.planned_session(number)
        if row and row.session_format:
            return row.session_format
        return self.session_formats[0] if self.session_formats else ""

    def sections_for(self, number: int, session_format: str = "") -> list[NoteSection]:
        """The note sections of session ``number`` in ``session_format``: the plan's row
        names them (every section when it names none), the format drops those it lacks
        the people for."""
        row = self.planned_session(number)
        codes = set(row.sections) if row and row.sections else None
        return [
            section
            for section in self.note_sections
            if (codes is None or section.code in codes) and section.applies(session_format)
        ]

    def default_planned(self, *, phq9: int | None, clinician_severe: bool) -> int:
        if self.severe_sessions and (
            clinician_severe or (phq9 is not None and phq9 >= catalogue.SEVERE_PHQ9)
        ):
            return self.severe_sessions
        return self.planned_sessions

    def schedule_rows(self) -> list[tuple[str, str]]:
        """(instrument, cadence) the measures schedule can run now: not optional,
        a cadence it knows, and an instrument its catalogue has."""
        return [
            (row.instrument, row.when)
            for row in self.measures
            if not row.optional
            and row.when in SCHEDULE_CADENCES
            and row.instrument in instruments.CATALOGUE
        ]

    def measures_described(self) -> list[dict[str, Any]]:
        """Every schedule row with whether it is applied, offered, or not yet available."""
        applied = set(self.schedule_rows())
        rows = []
        for row in self.measures:
            available = row.instrument in instruments.CATALOGUE and row.when in SCHEDULE_CADENCES
            if (row.instrument, row.when) in applied:
                status = _("added to the schedule")
            elif available:
                status = _("offered: add it if the practice uses it")
            else:
                status = _("not yet available in Rapport")
            rows.append(
                {
                    "title": row.title,
                    "when": When(row.when).label,
                    "status": status,
                    "note": row.note,
                    "applied": (row.instrument, row.when) in applied,
                }
            )
        return rows


# Shared wording ------------------------------------------------------------------

PHQ9 = _("PHQ-9")
GAD7 = _("GAD-7")
PHQ9_EVERY_SESSION = MeasureDefault("phq9", PHQ9, When.EVERY_SESSION)
GAD7_EVERY_SESSION = MeasureDefault("gad7", GAD7, When.EVERY_SESSION)
ADULT_MEASURES = (PHQ9_EVERY_SESSION, GAD7_EVERY_SESSION)  # measures.md §2.10
PROTOCOL_MAINTENANCE = (
    _("Discuss continuation or maintenance with every client (protocol §1.7)."),
    _("Maintenance is its own episode and contract, monthly by default (protocol §4.4)."),
)
SUICIDALITY_EVERY_SESSION = _("Suicidality is reviewed at every session (safety.md §5.1).")


def _task(code: str, label: Any, hint: Any) -> Task:
    return Task(code, label, hint)


# IPT-A (§1) ----------------------------------------------------------------------

IPT_A = VariantDefinition(
    code=Variant.ADOLESCENT,
    cites="variants.md §1; ipt-protocol.md §1.8",
    summary=_(
        "Adolescents with mild to moderate depression. Parents take part in the first "
        "session, in a joint session in the middle phase when the problem area involves "
        "a parent, and at the end (§1.2)."
    ),
    ages=_("12–18"),
    planned_sessions=12,
    sessions_range=(12, 16),
    session_minutes=50,
    minutes_note=_("35–50 minutes (§1.1)"),
    initial_sessions=4,
    termination_sessions=4,
    phase_note=_("Sessions 1–4, 5–8, 9–12 (§1.1)"),
    participant_roles=(ParticipantRole.CLIENT, ParticipantRole.PARENT_CAREGIVER),
    task_labels={
        "sick_role": _("Limited sick role (keep up school and normal activities)"),
    },
    initial_tasks=(
        _task(
            "consent_assent",
            _("Consent and assent recorded"),
            _("A parent or legal guardian consents; the adolescent's assent is recorded apart."),
        ),
        _task(
            "confidentiality_explained",
            _("Confidentiality explained to both"),
            _(
                "What stays between therapist and adolescent, what parents may be told, "
                "and when confidentiality is broken (§1.4)."
            ),
        ),
        _task(
            "parent_psychoeducation",
            _("Psychoeducation for the parent"),
            _("Depression, the limited sick role, what IPT-A is and how long it lasts."),
        ),
        _task(
            "parent_contact_plan",
            _("Parent contact plan"),
            _("How and when parents will be contacted."),
        ),
    ),
    middle_tasks=(
        _task(
            "joint_session",
            _("Joint parent–adolescent session"),
            _(
                "Prepared with the adolescent alone first (role play); the adolescent "
                "decides what is raised. Record whether it was held or not needed."
            ),
        ),
    ),
    termination_tasks=(
        _task(
            "parent_session",
            _("Parent session held"),
            _("Progress, warning signs of recurrence, whom to call, further treatment."),
        ),
        _task(
            "warning_signs_shared",
            _("Warning signs shared with the parent"),
            _("The signs of recurrence and what to do."),
        ),
        _task("further_care_plan", _("Further-care plan"), _("Who follows up, and how.")),
    ),
    techniques=(*Technique.values,),
    note_sections=(
        NoteSection(
            "participants",
            _("Who attended"),
            _("Parent or guardian present, and the segments they joined."),
            kind=SectionKind.ATTENDANCE,
        ),
    ),
    measures=(
        MeasureDefault(
            "phqa",
            _("PHQ-A"),
            When.EVERY_SESSION,
            note=_("Its suicidality item is mandatory every week (§1.5)."),
        ),
        MeasureDefault(
            "mood_rating",
            _("Session mood rating (1–10)"),
            When.EVERY_SESSION,
            note=_("Recorded in the session note."),
        ),
        MeasureDefault("smfq_p", _("SMFQ, parent version"), When.START_MID_END, optional=True),
    ),
    termination=(
        _("The last session includes the parent: progress, warning signs, whom to call (§1.2)."),
    ),
    maintenance=PROTOCOL_MAINTENANCE,
    safety=(
        SUICIDALITY_EVERY_SESSION,
        _(
            "Parent notification on a positive suicide item: the clinician decides and "
            "documents; the parent is informed for imminent risk (§1.5)."
        ),
    ),
    verify=(
        _("Phase split 1–4 / 5–8 / 9–12 (against Mufson et al. 2004)."),
        _("Session-1 content with the parent present, and the confidentiality wording."),
        _("Direction of the session mood rating's anchors."),
        _("Whether a minor may consent alone, and parent-notification duties: local law."),
    ),
)


# FB-IPT (§2) ---------------------------------------------------------------------

FB_SEGMENTS = ("joint_checkin", "child_alone", "caregiver_alone", "participants")


def _fb(topic: Any, *extra: str) -> PlannedSession:
    """An FB-IPT session: parent and child, in the §2.4 segments, plus ``extra`` sections."""
    return PlannedSession(topic, SessionFormat.PARENT_CHILD, FB_SEGMENTS + extra)


FB_IPT = VariantDefinition(
    code=Variant.FAMILY_BASED,
    cites="variants.md §2",
    summary=_(
        "Preadolescents with depression and a parent who takes part: a joint check-in, "
        "then time with the child and with the parent, and structured dyadic sessions."
    ),
    ages=_("7–12"),
    planned_sessions=14,
    sessions_range=(14, 14),
    session_minutes=50,
    minutes_note=_("Not given by the specification [VERIFY]"),
    initial_sessions=5,
    termination_sessions=3,
    phase_note=_("Sessions 1–5, 6–11, 12–14 (§2.2); about 16 weeks [VERIFY]"),
    participant_roles=(ParticipantRole.CLIENT, ParticipantRole.PARENT_CAREGIVER),
    task_labels={
        "sick_role": _("Expanded limited sick role (shapes the parents' expectations)"),
    },
    initial_tasks=(
        _task(
            "participating_parent",
            _("A participating parent is linked"),
            _("One parent must be willing to take part, before session 1 (§2.4)."),
        ),
        _task(
            "consent_assent",
            _("Consent and assent recorded"),
            _("A parent or legal guardian consents; the child's assent is recorded apart."),
        ),
    ),
    termination_tasks=(
        _task(
            "next_steps",
            _("Next steps decided (session 12)"),
            _("End, maintenance in a group or individually, or more intensive treatment."),
        ),
    ),
    session_formats=tuple(SessionFormat.values),
    required_role=ParticipantRole.PARENT_CAREGIVER,  # §2.1, §2.4: a parent takes part
    format_note=_(
        "Child and parent take part in every session, in segments: a joint check-in, then "
        "time with each (§2.2, §8). A session held with the parent only or the child only "
        "is recorded as such. Which sessions the manual holds with one of them only is not "
        "in the specification [VERIFY against Dietz 2018]."
    ),
    note_sections=(
        NoteSection(
            "joint_checkin",
            _("Joint check-in"),
            _("Child and parent together, on depressive symptoms (§2.2)."),
            kind=SectionKind.TEXT,
            needs=(CHILD, PARENT),
        ),
        NoteSection(
            "child_alone",
            _("Time with the child"),
            kind=SectionKind.TEXT,
            needs=(CHILD,),
        ),
        NoteSection(
            "caregiver_alone",
            _("Time with the parent"),
            kind=SectionKind.TEXT,
            needs=(PARENT,),
        ),
        NoteSection(
            "dyadic_skills",
            _("Dyadic skills (optional)"),
            _("The skill practised together, and the role play (§2.2, §2.4)."),
            kind=SectionKind.TEXT,
            needs=(CHILD, PARENT),
        ),
        NoteSection(
            "interpersonal_experiment",
            _("Interpersonal experiment"),
            _("Target peer, situation, planned script, outcome (§2.4)."),
            kind=SectionKind.TEXT,
            needs=(CHILD,),
        ),
        NoteSection(
            "next_steps",
            _("Next steps after the course"),
            _("Decided in session 12 (§2.2, §2.4)."),
            kind=SectionKind.CHOICE,
            choices=(
                ("end", _("End treatment")),
                ("maintenance_group", _("Maintenance in a group")),
                ("maintenance_individual", _("Individual maintenance")),
                ("more_intensive", _("More intensive treatment")),
            ),
        ),
        NoteSection(
            "participants",
            _("Who attended"),
            _("The parent present, and the segments they joined."),
            kind=SectionKind.ATTENDANCE,
        ),
    ),
    # §2.2 topics (manual chapter titles); §2.4 segments; §8: parent and child every session.
    session_plan=(
        _fb(_("Introducing FB-IPT and the mood thermometer")),
        _fb(_("Closeness circle and parenting challenges")),
        _fb(_("Interpersonal inventory")),
        _fb(_("Parent tips")),
        _fb(_("Formulating the problem area and treatment contract")),
        _fb(_("Tween tips and “use good timing”"), "dyadic_skills"),
        _fb(_("“Give to get”"), "dyadic_skills"),
        _fb(_("“‘I feel’ statements”"), "dyadic_skills"),
        _fb(
            _("“Have a few solutions in mind”: problem solving, compromise, negotiation"),
            "dyadic_skills",
        ),
        _fb(_("Interpersonal experiments"), "dyadic_skills", "interpersonal_experiment"),
        _fb(_("Interpersonal experiments"), "dyadic_skills", "interpersonal_experiment"),
        _fb(_("Planning for the end"), "next_steps"),
        _fb(_("Early warning signs of recurrence")),
        _fb(_("Reviewing progress and goodbye")),
    ),
    measures=(
        MeasureDefault("mood_thermometer", _("Mood thermometer"), When.EVERY_SESSION),
        MeasureDefault("smfq_c", _("SMFQ, child version"), When.SESSIONS_1_5_9_14),
        MeasureDefault("smfq_p", _("SMFQ, parent version"), When.SESSIONS_1_5_9_14),
        MeasureDefault(
            "asq",
            _("Suicide screen (ASQ, ages 10 and over)"),
            When.EVERY_SESSION,
            note=_("The SMFQ has no suicidality item (§2.3)."),
        ),
        MeasureDefault(
            "rcads", _("RCADS"), When.START_AND_END, optional=True, note=_("Permission needed.")
        ),
    ),
    termination=(
        _("Session 12 decides the next steps; 13 names early warning signs; 14 says goodbye."),
    ),
    maintenance=(_("Maintenance in a group or individually, if chosen in session 12 (§2.2)."),),
    safety=(SUICIDALITY_EVERY_SESSION,),
    verify=(
        _("Weeks of the course, session length and the mood thermometer's scale."),
        _("SMFQ: permission to embed its wording, and the default cut-off."),
        _("Which sessions the manual holds with the parent only or the child only."),
    ),
)


# Group IPT (§3) ------------------------------------------------------------------

GROUP_WHO = VariantDefinition(
    code=Variant.GROUP_WHO,
    cites="variants.md §3.1; ipt-protocol.md §1.9",
    summary=_(
        "Eight group sessions for moderate to severe depression, after an individual "
        "pre-group meeting, led by two trained and supervised facilitators."
    ),
    ages=_("Adults"),
    planned_sessions=8,
    sessions_range=(8, 8),
    session_minutes=90,
    minutes_note=_("About 90 minutes [VERIFY against the manual]"),
    initial_sessions=1,
    termination_sessions=1,
    phase_note=_("Pre-group meeting; session 1 initial, 2–7 middle, 8 termination (§3.1)"),
    delivery=Delivery.GROUP,
    participant_roles=(
        ParticipantRole.GROUP_MEMBER,
        ParticipantRole.FACILITATOR,
        ParticipantRole.CO_FACILITATOR,
    ),
    area_labels={
        ProblemArea.GRIEF: _("Grief"),
        ProblemArea.ROLE_DISPUTE: _("Disputes"),
        ProblemArea.ROLE_TRANSITION: _("Life changes"),
        ProblemArea.INTERPERSONAL_DEFICITS: _("Loneliness"),
    },
    area_note=_("Plain-language labels (§3.1)."),
    initial_tasks=(
        _task("pre_group", _("Pre-group meeting"), _("Inventory, problem area, contract.")),
        _task("group_agreement", _("Group agreement"), _("Members keep each other's words.")),
    ),
    termination_tasks=(
        _task("referral_if_needed", _("Referral if symptoms persist"), _("Re-rate, then refer.")),
    ),
    note_sections=(
        NoteSection("shared", _("Shared part"), _("Themes, group process, techniques.")),
        NoteSection("member", _("This member's part"), _("Filed in the member's own record.")),
    ),
    measures=(
        MeasureDefault(
            "phq9", PHQ9, When.EVERY_SESSION, note=_("At the pre-group meeting and every session.")
        ),
        MeasureDefault("gad7", GAD7, When.EVERY_SESSION, optional=True),
    ),
    termination=(_("Session 8: re-rate symptoms, plans, relapse signs, referral (§3.1)."),),
    maintenance=PROTOCOL_MAINTENANCE,
    safety=(_("Alerts about one member are visible only to facilitators and supervisors."),),
    verify=(
        _("Session length, single-gender groups as a default, attendance rules."),
        _("Session frequency is not given by the specification."),
        _("Group size and gender policy are shown, not enforced (docs/groups.md)."),
    ),
)

GROUP_WILFLEY = VariantDefinition(
    code=Variant.GROUP_WILFLEY,
    cites="variants.md §3.2",
    summary=_(
        "A closed group of one diagnosis with co-therapists, and individual meetings "
        "before, in the middle (between sessions 10 and 11) and after."
    ),
    ages=_("Adults"),
    planned_sessions=20,
    sessions_range=(20, 20),
    session_minutes=90,
    minutes_note=_("Not given by the specification [VERIFY]"),
    initial_sessions=5,
    termination_sessions=5,
    phase_note=_("Initial sessions 1–5; termination themes in the last five (§3.2)"),
    delivery=Delivery.GROUP,
    participant_roles=(
        ParticipantRole.GROUP_MEMBER,
        ParticipantRole.FACILITATOR,
        ParticipantRole.CO_FACILITATOR,
    ),
    initial_tasks=(
        _task("pre_group", _("Pre-group meeting"), _("Problem areas, explicit contract.")),
        _task("group_agreement", _("Group agreement"), _("Members keep each other's words.")),
    ),
    middle_tasks=(
        _task("mid_group", _("Mid-treatment meeting"), _("Between sessions 10 and 11.")),
    ),
    termination_tasks=(
        _task("post_group", _("Post-treatment meeting"), _("Within a week of the last group.")),
    ),
    note_sections=GROUP_WHO.note_sections,
    measures=(
        MeasureDefault("phq9", PHQ9, When.EVERY_SESSION),
        MeasureDefault(
            "edds",
            _("Eating-disorder measure (binge-eating groups)"),
            When.INTAKE_MID_END_FOLLOW_UP,
            optional=True,
        ),
    ),
    termination=(_("Formal goodbyes in the final session; individual follow-up (§3.2)."),),
    maintenance=PROTOCOL_MAINTENANCE,
    verify=(
        _("Session length."),
        _("Group size and gender policy are shown, not enforced (docs/groups.md)."),
    ),
)


# IPSRT (§4) ----------------------------------------------------------------------

IPSRT = VariantDefinition(
    code=Variant.IPSRT,
    cites="variants.md §4",
    summary=_(
        "Bipolar disorder, always alongside medication: IPT with the regularisation of "
        "daily routines (social rhythms) and medication adherence."
    ),
    ages=_("Adults"),
    planned_sessions=16,
    sessions_range=(13, 17),
    session_minutes=50,
    minutes_note=_("45–50 minutes (§8)"),
    initial_sessions=4,
    termination_sessions=3,
    phase_note=_("Initial 3–5 sessions, then 10–12 weekly, then maintenance (§4.2)"),
    problem_areas=(
        ProblemArea.GRIEF,
        ProblemArea.ROLE_DISPUTE,
        ProblemArea.ROLE_TRANSITION,
        ProblemArea.INTERPERSONAL_DEFICITS,
        ProblemArea.GRIEF_LOST_HEALTHY_SELF,
    ),
    initial_tasks=(
        _task(
            "illness_history",
            _("Illness history timeline"),
            _("Past episodes and their rhythm or life-event triggers."),
        ),
        _task("rhythm_baseline", _("Two-week rhythm baseline"), _("Social Rhythm Metric.")),
        _task(
            "prescriber_recorded",
            _("Prescriber recorded"),
            _("Medication adherence and prescriber details are required (§4.6)."),
        ),
    ),
    middle_tasks=(
        _task("rhythm_targets", _("Rhythm targets set or reviewed"), _("Target time, window.")),
        _task("adherence_reviewed", _("Medication adherence reviewed"), _("Each session.")),
    ),
    termination_tasks=(
        _task(
            "warning_signs_plan",
            _("Early-warning-signs plan"),
            _("Signs, actions, people to call, prescriber contact."),
        ),
    ),
    techniques=(*Technique.values, Technique.SOCIAL_RHYTHM),
    note_sections=(
        NoteSection("rhythm_review", _("Social rhythm review"), _("Targets against the week.")),
        NoteSection("adherence", _("Medication adherence")),
    ),
    measures=(
        MeasureDefault("srm", _("Social Rhythm Metric"), When.DAILY),
        MeasureDefault("daily_mood", _("Daily mood (minus 5 to plus 5)"), When.DAILY),
        MeasureDefault("phq9", PHQ9, When.EVERY_SESSION, note=_("Weekly in the acute phase.")),
        MeasureDefault("asrm", _("ASRM"), When.WEEKLY_ACUTE, optional=True, note=_("Licensed.")),
        MeasureDefault("ymrs", _("YMRS (clinician)"), When.INTAKE_END_SUSPICION, optional=True),
    ),
    termination=(_("The acute course leads into continuation and maintenance (§4.2)."),),
    maintenance=(
        _("Maintenance monthly for 24 months by default, then booster sessions (§4.7)."),
        _("Maintenance work: rhythm stability and the warning-signs plan (§4.7)."),
    ),
    safety=(
        _("PHQ-9 item 9 rules apply every time (§4.6)."),
        _("Early-warning rule on mood, sleep and rhythm changes (§4.6, proposal)."),
    ),
    verify=(
        _("The SRM-17 activity list, engagement scale and hit/exclusion algorithm."),
        _("The daily mood scale and the licence of the SRM form."),
    ),
)


# IPT for eating disorders (§5) ---------------------------------------------------

IPT_ED = VariantDefinition(
    code=Variant.EATING_DISORDERS,
    cites="variants.md §5",
    summary=_(
        "Bulimia nervosa and binge-eating disorder. After the assessment stage the eating "
        "disorder is not addressed directly (IPT-BN; §5.2)."
    ),
    ages=_("Adults"),
    planned_sessions=19,
    sessions_range=(15, 20),
    session_minutes=50,
    minutes_note=_("50 minutes (§5.1)"),
    initial_sessions=4,
    termination_sessions=3,
    phase_note=_("Stage 1 usually 3–4 sessions; 19 sessions over 20 weeks in the trial (§5.1)"),
    initial_tasks=(
        _task("onset_context", _("Interpersonal context of onset"), _("How the problem began.")),
        _task("current_functioning", _("Current functioning"), _("Relationships now.")),
        _task("binge_context", _("Interpersonal context of recent binges"), _("What came before.")),
        _task(
            "physician_named",
            _("Physician responsible for medical monitoring"),
            _("Named before treatment starts (§5.4)."),
        ),
    ),
    area_note=_(
        "After stage 1, problem-area work as in IPT for depression (§5.1); the eating "
        "disorder itself is not addressed directly in IPT-BN (§5.2)."
    ),
    note_sections=(
        NoteSection(
            "binge_link",
            _("Binge ↔ interpersonal event"),
            _("Only when the episode links symptoms to interpersonal events (§5.2)."),
        ),
        NoteSection(
            "medical_monitoring",
            _("Medical monitoring"),
            _(
                "Physical observations and red flags since the last session, and any "
                "referral for medical assessment (§5.4). Rapport prompts; it does not diagnose."
            ),
        ),
    ),
    measures=(
        MeasureDefault(
            "edds",
            _("EDDS"),
            When.INTAKE_MID_END_FOLLOW_UP,
            note=_("Free, but its wording and scoring are not in the specification [VERIFY]."),
        ),
        MeasureDefault(
            "scoff",
            _("SCOFF screen"),
            When.START_AND_END,
            optional=True,
            note=_("Licensed-content form (values only); licence [VERIFY] (§5.3)."),
        ),
        MeasureDefault("eating_log", _("Eating-behaviour log"), When.EVERY_SESSION),
        MeasureDefault("phq9", PHQ9, When.EVERY_FOURTH, note=_("Every 2–4 sessions.")),
        MeasureDefault("edeq", _("EDE-Q"), When.INTAKE_MID_END_FOLLOW_UP, optional=True),
    ),
    termination=(_("Measures at the end and at follow-up (§5.5)."),),
    maintenance=PROTOCOL_MAINTENANCE,
    safety=(
        _(
            "Medical-risk red flags prompt a referral for medical review (§5.4): record weight, "
            "pulse, blood pressure, temperature, potassium and red flags on the client's "
            "physical observations; past a threshold an alert stays open until the referral "
            "is recorded."
        ),
        _("Suicide risk is elevated (safety.md)."),
    ),
    verify=(
        _("Every medical-risk threshold, against MEED."),
        _("Whether linking binges to interpersonal triggers in session is allowed."),
        _("Licences of EDE-Q, EDE-QS and SCOFF."),
        _("EDDS wording and scoring (not given by the specification)."),
    ),
)


# PTSD and social anxiety (§6) ----------------------------------------------------

IPT_PTSD = VariantDefinition(
    code=Variant.PTSD,
    cites="variants.md §6.1",
    summary=_(
        "Chronic PTSD: the interpersonal aftereffects of trauma, not recounting or exposure. "
        "Interpersonal deficits is not a focus; role transition is the usual one."
    ),
    ages=_("Adults"),
    planned_sessions=14,
    sessions_range=(14, 14),
    session_minutes=50,
    minutes_note=_("50 minutes (§6.1)"),
    initial_sessions=3,
    termination_sessions=3,
    phase_note=_("Sessions 1–3, 4–11, 12–14 (§6.5)"),
    problem_areas=(ProblemArea.GRIEF, ProblemArea.ROLE_DISPUTE, ProblemArea.ROLE_TRANSITION),
    area_note=_("Interpersonal deficits is deleted as a focus (§6.1)."),
    techniques=(*Technique.values, Technique.AFFECTIVE_REATTUNEMENT),
    initial_tasks=(
        _task(
            "index_trauma",
            _("Index trauma recorded as context"),
            _("Type, date or period, interpersonal or not; never a trauma narrative (§6.5)."),
        ),
        _task(
            "violence_asked",
            _("Ongoing violence asked about"),
            _(
                "If there is ongoing violence (e.g. from a partner): a safety plan, and "
                "reminders a perpetrator could see on a shared device turned off (§6.4)."
            ),
        ),
    ),
    note_sections=(
        NoteSection(
            "affect",
            _("Affect identified and linked to an interpersonal situation"),
            _("No trauma narrative, exposure hierarchy or distress ratings (§6.1)."),
        ),
        NoteSection(
            "trust",
            _("Trust in the people of the inventory"),
            _(
                "Trusted, not yet, or unsafe; interpersonal hypervigilance, mistrust and "
                "withdrawal as the targets (§6.1, §6.5)."
            ),
        ),
    ),
    measures=(
        MeasureDefault(
            "pcl5",
            _("PCL-5"),
            When.EVERY_SESSION,
            note=_(
                "Every 2 sessions or weekly, at intake and at the end (§6.5): the schedule "
                "gives it weekly. Cut-off 33; a change of 10 points is clinically meaningful."
            ),
        ),
        PHQ9_EVERY_SESSION,
        MeasureDefault(
            "pcptsd5",
            _("PC-PTSD-5 screen"),
            When.START_AND_END,
            optional=True,
            note=_("Licensed-content form until its licence is confirmed [VERIFY] (§6.3)."),
        ),
        MeasureDefault("caps5", _("CAPS-5 score"), When.START_AND_END, optional=True),
    ),
    maintenance=PROTOCOL_MAINTENANCE,
    safety=(
        _("PTSD carries elevated suicide risk: safety.md rules (§6.4)."),
        _("Ongoing violence: safety-planning checklist (§6.4)."),
    ),
    verify=(
        _("LOINC code of the PCL-5."),
        _("Licences of the PC-PTSD-5 and the CAPS-5."),
    ),
)

IPT_SAD = VariantDefinition(
    code=Variant.SOCIAL_ANXIETY,
    cites="variants.md §6.2",
    summary=_(
        "Social anxiety disorder: most often role transition, then role dispute; "
        "interpersonal deficits is reformulated as role insecurity."
    ),
    ages=_("Adults"),
    planned_sessions=14,
    sessions_range=(14, 14),
    session_minutes=50,
    minutes_note=_("50 minutes (§8, proposal)"),
    initial_sessions=catalogue.DEFAULT_INITIAL_SESSIONS,
    termination_sessions=catalogue.DEFAULT_TERMINATION_SESSIONS,
    phase_note=_("14-week course (§6.2); phase split as standard IPT (protocol §1.2)"),
    area_labels={ProblemArea.INTERPERSONAL_DEFICITS: _("Role insecurity")},
    area_note=_(
        "Interpersonal deficits is relabelled role insecurity: latent abilities held back by "
        "social anxiety. Role transition is the most common focus, then role dispute; grief "
        "is rare. An optional “therapeutic role transition” framing (§6.2)."
    ),
    measures=(GAD7_EVERY_SESSION, PHQ9_EVERY_SESSION),
    maintenance=PROTOCOL_MAINTENANCE,
    verify=(_("Licences of condition-specific social-anxiety scales."),),
)


# Perinatal (§7) ------------------------------------------------------------------

PERINATAL = VariantDefinition(
    code=Variant.PERINATAL,
    cites="variants.md §7",
    summary=_(
        "Depression in pregnancy or after birth; the partner may take part. Common foci: "
        "transition to parenthood, partner disputes, perinatal loss, lack of support."
    ),
    ages=_("Perinatal"),
    planned_sessions=12,
    sessions_range=(12, 16),
    session_minutes=50,
    minutes_note=_("50–60 minutes (§8, proposal)"),
    initial_sessions=catalogue.DEFAULT_INITIAL_SESSIONS,
    termination_sessions=catalogue.DEFAULT_TERMINATION_SESSIONS,
    phase_note=_("12 weekly sessions, 16 if started in pregnancy; a pause around delivery"),
    participant_roles=(ParticipantRole.CLIENT, ParticipantRole.PARTNER),
    problem_areas=(
        ProblemArea.GRIEF,
        ProblemArea.ROLE_DISPUTE,
        ProblemArea.ROLE_TRANSITION,
        ProblemArea.INTERPERSONAL_DEFICITS,
        ProblemArea.COMPLICATED_PREGNANCY,
    ),
    area_note=_("“Complicated pregnancy” as an added area in antepartum IPT [VERIFY]."),
    middle_tasks=(
        _task(
            "partner_session",
            _("Partner session"),
            _("Psychoeducation, support needs, communication work; separate consent."),
        ),
    ),
    initial_tasks=(
        _task(
            "perinatal_prescriber",
            _("Prescriber's contact recorded"),
            _("Medication questions in pregnancy or breastfeeding go to the prescriber (§7.3)."),
        ),
    ),
    note_sections=(
        NoteSection("participants", _("Who attended"), _("Partner; infant present.")),
        NoteSection(
            "perinatal_red_flags",
            _("Perinatal red flags"),
            _(
                "Signs of postpartum psychosis (confusion, hallucinations, delusions, manic "
                "symptoms), thoughts of harming the baby, inability to care for the infant, "
                "severe insomnia not explained by infant care: same-day psychiatric review (§7.3)."
            ),
        ),
        NoteSection(
            "safeguarding",
            _("Child-safeguarding referral"),
            _("Whether a safeguarding referral was needed or made (§7.3)."),
        ),
    ),
    measures=(
        PHQ9_EVERY_SESSION,
        MeasureDefault(
            "epds",
            _("EPDS"),
            When.EVERY_SESSION,
            optional=True,
            note=_(
                "If the practice holds permission; item 10 above 0 raises a safety alert and "
                "shows the client crisis resources. Its items 3–5 give the EPDS-3A anxiety "
                "subscale [VERIFY]."
            ),
        ),
        MeasureDefault("gad7", GAD7, When.EVERY_FOURTH),
        MeasureDefault("epds", _("EPDS"), When.AFTER_END, optional=True),
    ),
    maintenance=PROTOCOL_MAINTENANCE,
    safety=(
        _("EPDS item 10 and PHQ-9 item 9 follow safety.md (§7.3)."),
        _("Signs of postpartum psychosis or thoughts of harming the baby: same-day review."),
        _("Medication questions go to the prescriber; record the prescriber's contact."),
    ),
    verify=(_("Partner sessions in standard perinatal IPT; “complicated pregnancy”; EPDS-3A."),),
)


# Individual IPT (protocol §1.1) --------------------------------------------------

STANDARD = VariantDefinition(
    code=Variant.STANDARD,
    cites="ipt-protocol.md §1.1, §1.2, §4.1–§4.2",
    summary=_("Individual IPT for depression, 12–16 weekly sessions."),
    ages=_("Adults"),
    planned_sessions=12,
    severe_sessions=16,
    sessions_range=(12, 16),
    session_minutes=50,
    minutes_note=_("45–50 minutes (protocol §1.1)"),
    initial_sessions=catalogue.DEFAULT_INITIAL_SESSIONS,
    termination_sessions=catalogue.DEFAULT_TERMINATION_SESSIONS,
    phase_note=_("Initial 1–3 sessions, termination the last 3 (protocol §1.2)"),
    measures=ADULT_MEASURES,
    maintenance=PROTOCOL_MAINTENANCE,
)

STUART_ROBERTSON = VariantDefinition(
    code=Variant.STUART_ROBERTSON,
    cites="ipt-protocol.md §1.1, §1.2, §1.4",
    summary=_(
        "Stuart & Robertson's IPT: three problem areas, and a “conclusion” of acute "
        "treatment rather than a termination."
    ),
    ages=_("Adults"),
    planned_sessions=12,
    severe_sessions=16,
    sessions_range=(12, 16),
    session_minutes=50,
    minutes_note=_("45–50 minutes (protocol §1.1)"),
    initial_sessions=3,
    termination_sessions=2,
    phase_note=_("Initial 1–3, middle 4–12, conclusion 1–2 sessions (protocol §1.2)"),
    problem_areas=(ProblemArea.GRIEF, ProblemArea.ROLE_DISPUTE, ProblemArea.ROLE_TRANSITION),
    area_note=_("Interpersonal deficits is not used (protocol §1.1)."),
    measures=ADULT_MEASURES,
    termination=(_("Called the conclusion of acute treatment (protocol §1.1)."),),
    maintenance=(_("The therapist discusses continuing maintenance treatment with every client."),),
)


DEFINITIONS: dict[str, VariantDefinition] = {
    d.code: d
    for d in (
        STANDARD,
        STUART_ROBERTSON,
        IPT_A,
        FB_IPT,
        GROUP_WHO,
        GROUP_WILFLEY,
        IPSRT,
        IPT_ED,
        IPT_PTSD,
        IPT_SAD,
        PERINATAL,
    )
}


def get(code: str) -> VariantDefinition:
    """The definition of a variant code; an unknown code reads as standard IPT."""
    return DEFINITIONS.get(code, STANDARD)


def of(episode: Any) -> VariantDefinition:
    return get(episode.variant)


def _union(lists: list[tuple[Task, ...]]) -> tuple[Task, ...]:
    found: dict[str, Task] = {}
    for tasks in lists:
        for task in tasks:
            found.setdefault(task.code, task)
    return tuple(found.values())


# Every variant's checklist items, in protocol order then each variant's additions: a
# checklist page lists those its episode has rows for (rows follow the episode's variant).
ALL_INITIAL_TASKS = _union([d.all_initial_tasks() for d in DEFINITIONS.values()])
ALL_MIDDLE_TASKS = _union([d.middle_tasks for d in DEFINITIONS.values()])
ALL_TERMINATION_TASKS = _union([d.all_termination_tasks() for d in DEFINITIONS.values()])
TASKS_BY_CODE = {
    task.code: task for task in ALL_INITIAL_TASKS + ALL_MIDDLE_TASKS + ALL_TERMINATION_TASKS
}


# Intake's age groups (intake.ConsultationRequest.AgeGroup values) and their variant.
BY_AGE_GROUP = {"adolescent": Variant.ADOLESCENT, "child": Variant.FAMILY_BASED}


def for_age_group(age_group: str) -> str:
    return BY_AGE_GROUP.get(age_group, Variant.STANDARD)
