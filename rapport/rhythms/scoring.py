"""The Social Rhythm Metric's weekly scores (variants.md §4.4), as pure functions.

§4.4 [VERIFY against Monk 1990/2002]: per activity, the habitual time is the mean
clock time of the week's occurrences; an occurrence within ±45 minutes of it is a
hit; an activity done fewer than 3 times that week is left out; the SRM score is the
total of hits divided by the number of activities kept (0 least regular … 7 most).
The Activity Level Index is the number of activities done in the week (§4.4, at most
119 = 17 x 7). Times after midnight follow the evening before: the mean is taken on
the 24-hour circle (§4.4 [GK]), so a bedtime of 00:30 sits an hour after 23:30.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

DAY_MINUTES = 24 * 60
HIT_WINDOW = 45  # ± minutes around the habitual time (§4.4)
LEAST_OCCURRENCES = 3  # fewer in a week: the activity is left out (§4.4)
BASELINE_WEEKS = 2  # two consecutive weeks averaged (§4.4)


@dataclass(frozen=True)
class ActivityScore:
    activity: str
    done: int
    habitual: int | None  # minutes after midnight; None when left out
    hits: int

    @property
    def included(self) -> bool:
        return self.habitual is not None


@dataclass(frozen=True)
class WeekScore:
    score: Decimal | None  # None: no activity was done 3 times or more
    activity_level: int
    included: int
    hits: int
    activities: tuple[ActivityScore, ...]


def circular_mean(minutes: Sequence[int]) -> int:
    """The mean clock time on the 24-hour circle, to the nearest minute."""
    angles = [2 * math.pi * m / DAY_MINUTES for m in minutes]
    sine = sum(math.sin(a) for a in angles)
    cosine = sum(math.cos(a) for a in angles)
    mean = math.atan2(sine, cosine) * DAY_MINUTES / (2 * math.pi)
    return round(mean) % DAY_MINUTES


def distance(a: int, b: int) -> int:
    """Minutes between two clock times the short way round midnight."""
    gap = abs(a - b) % DAY_MINUTES
    return min(gap, DAY_MINUTES - gap)


def score_activity(activity: str, times: Sequence[int]) -> ActivityScore:
    if len(times) < LEAST_OCCURRENCES:
        return ActivityScore(activity, len(times), None, 0)
    habitual = circular_mean(times)
    hits = sum(1 for t in times if distance(t, habitual) <= HIT_WINDOW)
    return ActivityScore(activity, len(times), habitual, hits)


def score_week(times_by_activity: Mapping[str, Sequence[int]]) -> WeekScore:
    """``{activity: [minutes after midnight of each day it was done]}`` → the week's SRM."""
    activities = tuple(score_activity(a, t) for a, t in times_by_activity.items())
    kept = [a for a in activities if a.included]
    hits = sum(a.hits for a in kept)
    score = None
    if kept:
        score = (Decimal(hits) / Decimal(len(kept))).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
    return WeekScore(
        score=score,
        activity_level=sum(a.done for a in activities),
        included=len(kept),
        hits=hits,
        activities=activities,
    )


def baseline(scores: Sequence[Decimal | None]) -> Decimal | None:
    """§4.4: the first two consecutive scored weeks, averaged (oldest first)."""
    for first, second in itertools.pairwise(scores):
        if first is not None and second is not None:
            return ((first + second) / 2).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return None


def clock(minutes: int | None) -> str:
    return "" if minutes is None else f"{minutes // 60:02d}:{minutes % 60:02d}"
