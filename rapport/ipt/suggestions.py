"""Explainable problem-area suggestions from the inventory and timeline (§1.4, §1.6).

Each suggestion carries the reasons that triggered it, so the therapist sees
why; suggestions are ranked and never chosen automatically. The rules are
[GK] readings of §1.4's definitions and need clinical sign-off:

* grief — a significant person died near the onset, or their death is marked as
  linked to it (§1.4 reserves grief for a death; other losses are transitions);
* role dispute — non-reciprocal expectations with a living, significant person;
* role transition — a major life change near the onset;
* interpersonal deficits — "none of the above" (§1.4, Guide ch. 8): only when no
  other area has a reason, and the closeness circle is rated for every living
  person with nobody in the inner ring. An unrated circle is not evidence of
  isolation, so it never triggers deficits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rapport.ipt import variants
from rapport.ipt.catalogue import CORE_AREAS, ProblemArea
from rapport.ipt.models import ClosenessRating, Episode, InventoryPerson, TimelineEvent

# "Near onset": from a year before the onset to three months after it [GK].
BEFORE_ONSET = timedelta(days=365)
AFTER_ONSET = timedelta(days=90)
CLOSE_RELATIONSHIPS = {
    InventoryPerson.Relationship.PARTNER,
    InventoryPerson.Relationship.PARENT,
    InventoryPerson.Relationship.CHILD,
}
INNER_RING, SIGNIFICANT_RING = 1, 2


@dataclass
class Suggestion:
    area: str
    reasons: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(ProblemArea(self.area).label)

    @property
    def strength(self) -> int:
        return len(self.reasons)


def onset_date(started_on: date, events: Iterable[TimelineEvent]) -> date:
    """The earliest event marked as onset; the episode's start when none is marked."""
    marked = [event.occurred_on for event in events if event.is_onset]
    return min(marked) if marked else started_on


def _near(day: date | None, onset: date) -> bool:
    # A difference, never onset ± a window: that overflows near the ends of the calendar.
    return day is not None and -BEFORE_ONSET <= day - onset <= AFTER_ONSET


def _significant(person: InventoryPerson, ring: int | None) -> bool:
    return (
        (ring is not None and ring <= SIGNIFICANT_RING)
        or person.linked_to_onset
        or person.relationship in CLOSE_RELATIONSHIPS
    )


def _load(episode: Episode) -> tuple[list[InventoryPerson], list[TimelineEvent], dict[int, int]]:
    people = list(episode.people.all())
    events = list(episode.timeline.all())
    rings = dict(
        ClosenessRating.objects.filter(
            person__episode=episode, occasion=ClosenessRating.Occasion.INTAKE
        ).values_list("person_id", "ring")
    )
    return people, events, rings


def suggest(episode: Episode) -> list[Suggestion]:
    """Ranked suggestions for one episode (three queries, whatever the inventory's size)."""
    people, events, rings = _load(episode)
    return rank(people, events, rings, started_on=episode.started_on)


def review(episode: Episode) -> tuple[list[Suggestion], list[Suggestion]]:
    """The suggestions, and every other area with why it was not suggested (three queries)."""
    people, events, rings = _load(episode)
    ranked = rank(people, events, rings, started_on=episode.started_on)
    fired = {s.area for s in ranked}
    onset = onset_date(episode.started_on, events)
    why = {
        ProblemArea.GRIEF: lambda: _why_not_grief(people, onset),
        ProblemArea.ROLE_DISPUTE: lambda: _why_not_dispute(people),
        ProblemArea.ROLE_TRANSITION: lambda: _why_not_transition(events, onset),
        ProblemArea.INTERPERSONAL_DEFICITS: lambda: _why_not_deficits(people, rings, fired),
    }
    # The rules are the protocol's four areas (§1.4); a variant that hides one skips it.
    offered = set(variants.of(episode).problem_areas)
    ranked = [s for s in ranked if s.area in offered]
    others = [
        Suggestion(area, [why[area]()])
        for area in CORE_AREAS
        if area not in fired and area in offered
    ]
    return ranked, others


def relative_to_onset(day: date, onset: date) -> str:
    """ "2 months before the onset", "at the onset", "3 weeks after the onset"."""
    days = (day - onset).days
    if days == 0:
        return _("at the onset")
    size = abs(days)
    if size < 14:
        amount = ngettext("%(n)d day", "%(n)d days", size) % {"n": size}
    elif size < 60:
        amount = ngettext("%(n)d week", "%(n)d weeks", size // 7) % {"n": size // 7}
    else:
        amount = ngettext("%(n)d month", "%(n)d months", size // 30) % {"n": size // 30}
    if days < 0:
        return _("%(amount)s before the onset") % {"amount": amount}
    return _("%(amount)s after the onset") % {"amount": amount}


def _why_not_grief(people: list[InventoryPerson], onset: date) -> str:
    dead = [person for person in people if person.deceased]
    if not dead:
        return _("Nobody in the inventory has died.")
    return _(
        "%(name)s died, but not near the onset, and the death is not marked as linked to it."
    ) % {"name": dead[0].name}


def _why_not_dispute(people: list[InventoryPerson]) -> str:
    distant = [
        person
        for person in people
        if not person.deceased and person.reciprocity == InventoryPerson.Reciprocity.NON_RECIPROCAL
    ]
    if distant:
        return _(
            "Expectations with %(name)s are not reciprocal, but %(name)s is neither close "
            "(rings 1–2) nor linked to the onset."
        ) % {"name": distant[0].name}
    return _("Nobody living is recorded with non-reciprocal expectations.")


def _why_not_transition(events: list[TimelineEvent], onset: date) -> str:
    changes = [event for event in events if event.major_change]
    if changes:
        return _(
            "%(title)s is marked as a major life change, but it was %(when)s: the window is "
            "a year before to three months after."
        ) % {"title": changes[0].title, "when": relative_to_onset(changes[0].occurred_on, onset)}
    return _("No timeline event is marked as a major life change (a move, a new job, a birth…).")


def _why_not_deficits(people: list[InventoryPerson], rings: dict[int, int], fired: set[str]) -> str:
    if fired:
        return _("Considered only when no other problem area applies.")
    living = [person for person in people if not person.deceased]
    if not people or any(person.pk not in rings for person in living):
        return _("The closeness circle is not rated for everyone in the inventory yet.")
    return _("Someone is in the client's inner circle.")


def rank(
    people: list[InventoryPerson],
    events: list[TimelineEvent],
    rings: dict[int, int],
    *,
    started_on: date,
) -> list[Suggestion]:
    """The rules, on rows already loaded: ``rings`` maps a person's pk to their intake ring."""
    onset = onset_date(started_on, events)
    found = {area: Suggestion(area) for area in CORE_AREAS}
    for person in people:
        ring = rings.get(person.pk)
        if reason := _grief_reason(person, onset):
            found[ProblemArea.GRIEF].reasons.append(reason)
        if (
            not person.deceased
            and person.reciprocity == InventoryPerson.Reciprocity.NON_RECIPROCAL
            and _significant(person, ring)
        ):
            found[ProblemArea.ROLE_DISPUTE].reasons.append(
                _("Expectations with %(name)s (%(relation)s) are not reciprocal.")
                % {"name": person.name, "relation": _relation(person)}
            )
    for event in events:
        if event.major_change and _near(event.occurred_on, onset):
            found[ProblemArea.ROLE_TRANSITION].reasons.append(
                _("A major life change near the onset: %(title)s, %(when)s.")
                % {"title": event.title, "when": relative_to_onset(event.occurred_on, onset)}
            )
    if not any(s.reasons for s in found.values()) and _isolated(people, rings):
        found[ProblemArea.INTERPERSONAL_DEFICITS].reasons.append(
            _(
                "Nobody is in the client's inner circle, and no grief, dispute or transition "
                "stands out."
            )
        )
    ranked = [s for s in found.values() if s.reasons]
    return sorted(ranked, key=lambda s: (-s.strength, CORE_AREAS.index(s.area)))


def _relation(person: InventoryPerson) -> str:
    return str(person.get_relationship_display()).lower()


def _grief_reason(person: InventoryPerson, onset: date) -> str | None:
    if not person.deceased:
        return None
    values = {"relation": _relation(person), "name": person.name}
    if _near(person.died_on, onset):
        return (
            _("The client's %(relation)s (%(name)s) died near the onset of the depression.")
            % values
        )
    if person.linked_to_onset:
        return (
            _("The death of the client's %(relation)s (%(name)s) is marked as linked to the onset.")
            % values
        )
    return None


def _isolated(people: list[InventoryPerson], rings: dict[int, int]) -> bool:
    """An inventory exists, every living person is placed, and none in the inner ring."""
    living = [person for person in people if not person.deceased]
    if not people or any(person.pk not in rings for person in living):
        return False
    return all(rings[person.pk] > INNER_RING for person in living)
