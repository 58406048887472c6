"""The IPT protocol as data: phases, tasks, problem areas, goals and techniques.

Every entry cites the clinical specification (ipt-protocol.md, "§" below;
variants.md where named). Templates and views read from here; no clinical label
is spelled elsewhere. What each variant changes is data in rapport/ipt/variants.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class EpisodeType(models.TextChoices):
    """§4.4: acute course, continuation, maintenance (each with its own contract)."""

    ACUTE = "acute", _("Acute")
    CONTINUATION = "continuation", _("Continuation")
    MAINTENANCE = "maintenance", _("Maintenance")


class Variant(models.TextChoices):
    """§1.1 and variants.md §0: the manual followed; its defaults are in variants.py.

    Weissman, Markowitz & Klerman keeps its stored value "standard" (variants.md
    calls it ``wmk``); the others use the spec's codes.
    """

    STANDARD = "standard", _("Individual IPT (Weissman, Markowitz & Klerman)")
    STUART_ROBERTSON = "stuart_robertson", _("Individual IPT (Stuart & Robertson)")
    ADOLESCENT = "ipt_a", _("IPT-A for adolescents (Mufson et al.)")
    FAMILY_BASED = "fb_ipt", _("Family-based IPT for children 7–12 (Dietz et al.)")
    GROUP_WHO = "group_who", _("Group IPT (WHO, 8 sessions)")
    GROUP_WILFLEY = "ipt_g", _("Group IPT (Wilfley et al.)")
    IPSRT = "ipsrt", _("IPSRT for bipolar disorder (Frank)")
    EATING_DISORDERS = "ipt_ed", _("IPT for eating disorders (Fairburn; Wilfley)")
    PTSD = "ipt_ptsd", _("IPT for PTSD (Markowitz)")
    SOCIAL_ANXIETY = "ipt_sad", _("IPT for social anxiety disorder (Lipsitz)")
    PERINATAL = "ipt_perinatal", _("Perinatal IPT (O'Hara & Stuart; Spinelli)")


class Phase(models.TextChoices):
    """§1.2."""

    INITIAL = "initial", _("Initial")
    MIDDLE = "middle", _("Middle")
    TERMINATION = "termination", _("Termination")
    MAINTENANCE = "maintenance", _("Maintenance")
    CLOSED = "closed", _("Closed")


class ProblemArea(models.TextChoices):
    """§1.4: the four problem areas, and those variants add (variants.md §0)."""

    GRIEF = "grief", _("Grief")
    ROLE_DISPUTE = "role_dispute", _("Role dispute")
    ROLE_TRANSITION = "role_transition", _("Role transition")
    INTERPERSONAL_DEFICITS = "interpersonal_deficits", _("Interpersonal deficits")
    # variants.md §4.3: IPSRT only.
    GRIEF_LOST_HEALTHY_SELF = "grief_lost_healthy_self", _("Grief for the lost healthy self")
    # variants.md §7.1: antepartum IPT [VERIFY].
    COMPLICATED_PREGNANCY = "complicated_pregnancy", _("Complicated pregnancy")


# §1.4: the four areas every manual starts from; variants add, hide or relabel.
CORE_AREAS = (
    ProblemArea.GRIEF,
    ProblemArea.ROLE_DISPUTE,
    ProblemArea.ROLE_TRANSITION,
    ProblemArea.INTERPERSONAL_DEFICITS,
)


class DisputeStage(models.TextChoices):
    """§1.4, role dispute: staged, and re-assessed over time."""

    RENEGOTIATION = "renegotiation", _("Renegotiation")
    IMPASSE = "impasse", _("Impasse")
    DISSOLUTION = "dissolution", _("Dissolution")


class Technique(models.TextChoices):
    """§1.5: named techniques, recorded per session for adherence and supervision."""

    EXPLORATORY = "exploratory", _("Exploratory techniques")
    AFFECT = "affect", _("Encouragement of affect")
    CLARIFICATION = "clarification", _("Clarification")
    COMMUNICATION_ANALYSIS = "communication_analysis", _("Communication analysis")
    THERAPEUTIC_RELATIONSHIP = "therapeutic_relationship", _("Use of the therapeutic relationship")
    DECISION_ANALYSIS = "decision_analysis", _("Decision analysis")
    ROLE_PLAY = "role_play", _("Role play")
    DIRECTIVE = "directive", _("Directive techniques")
    CONTRACT = "contract", _("Contract setting and administrative details")
    # variants.md §6.1 (IPT for PTSD) and §4.1 (IPSRT): offered only by those variants.
    AFFECTIVE_REATTUNEMENT = "affective_reattunement", _("Affective reattunement")
    SOCIAL_RHYTHM = "social_rhythm", _("Regularising social rhythms")


@dataclass(frozen=True)
class Task:
    code: str
    label: str
    hint: str

    def label_for(self, variant: str) -> str:
        """The label this variant gives the task (IPT-A: "limited sick role")."""
        from rapport.ipt import variants  # variants is data built on this module

        return variants.get(variant).task_label(self)


# §1.3: initial-phase tasks, each a checklist item with free text.
INITIAL_TASKS: tuple[Task, ...] = (
    Task(
        "diagnosis",
        _("Diagnosis and severity"),
        _("Review symptoms against diagnostic criteria; rate severity with a scale."),
    ),
    Task(
        "medication",
        _("Need for medication"),
        _("Judge from severity, past illness, prior response and the client's preference."),
    ),
    Task(
        "psychoeducation",
        _("Psychoeducation"),
        _("Depression as a common, treatable illness; what to expect from IPT."),
    ),
    Task(
        "sick_role",
        _("Sick role"),
        _("Excuse some obligations for now, with the responsibility to work on recovery."),
    ),
    Task(
        "inventory",
        _("Interpersonal inventory"),
        _("Review each important relationship, past and present."),
    ),
    Task(
        "timeline",
        _("Timeline"),
        _("Link mood changes to interpersonal events, especially near onset."),
    ),
    Task("problem_area", _("Problem-area choice"), _("One primary focus, at most one secondary.")),
    Task(
        "formulation",
        _("Interpersonal formulation"),
        _("Link the depression to the chosen problem area; seek the client's agreement."),
    ),
    Task(
        "contract",
        _("Treatment contract"),
        _("Number and length of sessions, frequency, focus, missed-session policy."),
    ),
)

# §1.7: termination tasks.
TERMINATION_TASKS: tuple[Task, ...] = (
    Task(
        "discuss_ending",
        _("Ending discussed in advance"),
        _("Raise termination explicitly two to four sessions before the end."),
    ),
    Task(
        "review_gains",
        _("Review of gains"),
        _("Consolidate gains; ask why they feel better and credit the client's own work."),
    ),
    Task(
        "feelings_about_ending",
        _("Feelings about ending"),
        _("Treat the ending as a role transition; acknowledge sadness and competence."),
    ),
    Task(
        "warning_signs",
        _("Early warning signs of relapse"),
        _("Name the signs and what to do if they appear."),
    ),
    Task(
        "coping_supports",
        _("Coping strategies and supports"),
        _("Who and what helps; how to reach them."),
    ),
    Task(
        "remaining_goals", _("Remaining goals"), _("What is left to work on without the therapist.")
    ),
    Task(
        "continuation_decision",
        _("Continuation or maintenance decision"),
        _("Discuss maintenance with every client; offer other treatment to non-responders."),
    ),
)
TASKS_BY_CODE = {task.code: task for task in INITIAL_TASKS + TERMINATION_TASKS}

# §1.4: goals pre-filled per problem area (the therapist edits them).
PROBLEM_AREA_GOALS: dict[str, tuple[str, ...]] = {
    ProblemArea.GRIEF: (
        _("Facilitate mourning."),
        _("Re-establish interests and relationships that can partly replace what was lost."),
    ),
    ProblemArea.ROLE_DISPUTE: (
        _("Identify the disagreement."),
        _("Choose a plan of action."),
        _("Modify communication or expectations, or both, to resolve the difference."),
    ),
    ProblemArea.ROLE_TRANSITION: (
        _("Mourn and accept the loss of the old role."),
        _("See the new role more positively, with a balanced view of old and new."),
        _("Restore self-esteem through a sense of mastery of the new role."),
    ),
    ProblemArea.INTERPERSONAL_DEFICITS: (
        _("Reduce social isolation."),
        _("Encourage the formation of new relationships."),
    ),
    # variants.md §4.3: its strategies mirror grief (mourn, then rebuild realistic goals).
    ProblemArea.GRIEF_LOST_HEALTHY_SELF: (
        _("Mourn the person one was, or expected to be, before the illness."),
        _("Rebuild realistic goals."),
    ),
    # variants.md §7.1 [VERIFY]: the spec gives no goals; the therapist writes them.
    ProblemArea.COMPLICATED_PREGNANCY: (),
}

# §1.4: strategies shown beside the goals as prompts.
PROBLEM_AREA_STRATEGIES: dict[str, tuple[str, ...]] = {
    ProblemArea.GRIEF: (
        _("Relate symptom onset to the death."),
        _("Reconstruct the relationship with the deceased, positive and negative feelings."),
        _("Describe events before, during and after the death."),
        _("Consider ways of becoming involved with others."),
    ),
    ProblemArea.ROLE_DISPUTE: (
        _("Stage the dispute: renegotiation, impasse or dissolution."),
        _("Relate non-reciprocal expectations to the dispute."),
        _("Parallels in other relationships; options and resources for change."),
        _("Communication analysis, decision analysis, role play."),
    ),
    ProblemArea.ROLE_TRANSITION: (
        _("Review good and bad in the old and the new role."),
        _("Explore feelings about what was lost."),
        _("Explore opportunities in the new role; new skills and supports."),
    ),
    ProblemArea.INTERPERSONAL_DEFICITS: (
        _("Review past significant relationships and repeating patterns."),
        _("Discuss feelings about the therapist and seek parallels."),
        _("Role play new behaviours."),
    ),
    ProblemArea.GRIEF_LOST_HEALTHY_SELF: (
        _("Mourn the lost healthy self."),
        _("Then rebuild realistic goals."),
    ),
    ProblemArea.COMPLICATED_PREGNANCY: (),
}

# §1.2: default phase boundaries, stored per episode and changeable.
DEFAULT_INITIAL_SESSIONS = 3
DEFAULT_TERMINATION_SESSIONS = 3
# §1.7: raise termination two to four sessions before the end.
TERMINATION_PROMPT_WINDOW = (2, 4)

# §4.1/§4.2: planned sessions. PHQ-9 ≥ 16 or clinician-rated severe → 16, else 12; each
# variant's own count is in variants.py (VariantDefinition.default_planned).
SESSIONS_MIN, SESSIONS_MAX = 12, 16
SEVERE_PHQ9 = 16
MAX_EXTENSION = 4  # §4.1 extensions are renegotiated; more only for severe cases


# §4.4: maintenance defaults to monthly sessions.
MAINTENANCE_DEFAULT_FREQUENCY = "monthly"
