"""Explainable problem-area suggestions from the inventory and timeline (§1.4, §1.6).

Each suggestion carries the reasons that triggered it, so the therapist sees
why; suggestions are ranked and never chosen automatically. The rules are
[GK] readings of §1.4's definitions and need clinical sign-off:

* grief — a significant person died near the onset;
* role dispute — non-reciprocal expectations with a living, significant person;
* role transition — a major life change near the onset;
* interpersonal deficits — nobody in the inner circle, and none of the above.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _

from rapport.ipt.catalogue import ProblemArea
from rapport.ipt.models import Episode, InventoryPerson, TimelineEvent

# "Near onset": from a year before the onset to three months after it [GK].
BEFORE_ONSET = timedelta(days=365)
AFTER_ONSET = timedelta(days=90)
CLOSE_RELATIONSHIPS = {
    InventoryPerson.Relationship.PARTNER,
    InventoryPerson.Relationship.PARENT,
    InventoryPerson.Relationship.CHILD,
}


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


def onset_date(episode: Episode, events: list[TimelineEvent]) -> date:
    marked = [event.occurred_on for event in events if event.is_onset]
    return min(marked) if marked else episode.started_on


def _near(day: date | None, onset: date) -> bool:
    return day is not None and onset - BEFORE_ONSET <= day <= onset + AFTER_ONSET


def _ring(person: InventoryPerson) -> int | None:
    rings = [r.ring for r in person.ratings.all() if r.occasion == r.Occasion.INTAKE]
    return rings[0] if rings else None


def _significant(person: InventoryPerson) -> bool:
    ring = _ring(person)
    return (
        (ring is not None and ring <= 2)
        or person.linked_to_onset
        or person.relationship in CLOSE_RELATIONSHIPS
    )


def suggest(episode: Episode) -> list[Suggestion]:
    people = list(episode.people.prefetch_related("ratings"))
    events = list(episode.timeline.all())
    onset = onset_date(episode, events)
    found = {area: Suggestion(area) for area in ProblemArea.values}

    for person in people:
        relation = person.get_relationship_display().lower()
        if person.deceased and (_near(person.died_on, onset) or person.linked_to_onset):
            found[ProblemArea.GRIEF].reasons.append(
                _("The client's %(relation)s (%(name)s) died near the onset of the depression.")
                % {"relation": relation, "name": person.name}
            )
        if (
            not person.deceased
            and person.reciprocity == InventoryPerson.Reciprocity.NON_RECIPROCAL
            and _significant(person)
        ):
            found[ProblemArea.ROLE_DISPUTE].reasons.append(
                _("Expectations with %(name)s (%(relation)s) are not reciprocal.")
                % {"name": person.name, "relation": relation}
            )
    for event in events:
        if event.major_change and _near(event.occurred_on, onset):
            found[ProblemArea.ROLE_TRANSITION].reasons.append(
                _("A major life change near the onset: %(title)s (%(when)s).")
                % {"title": event.title, "when": event.occurred_on.isoformat()}
            )
    others = [s for s in found.values() if s.reasons]
    inner_circle = [p for p in people if not p.deceased and _ring(p) == 1]
    if people and not inner_circle and not others:
        found[ProblemArea.INTERPERSONAL_DEFICITS].reasons.append(
            _(
                "Nobody is in the client's inner circle, and no grief, dispute or transition "
                "stands out."
            )
        )
    ranked = [s for s in found.values() if s.reasons]
    return sorted(ranked, key=lambda s: (-s.strength, ProblemArea.values.index(s.area)))
