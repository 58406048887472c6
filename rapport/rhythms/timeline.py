"""What the rhythm and mood chart shows: one window of weeks, days and life events.

The page shows the last 52 weeks by default and the full history on request, so a
page's cost does not grow with the length of treatment (three queries either way).
Early-warning signs follow variants.md §4.6 (a [GK] proposal, shown as such).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from rapport.ipt.models import Episode
from rapport.rhythms import scoring
from rapport.rhythms.models import DailyMood, LifeEvent, RhythmWeek
from rapport.rhythms.services import week_start

WINDOW_WEEKS = 52
# §4.6 early-warning rule [GK, proposal, configurable]: the defaults below.
HIGH_MOOD, HIGH_DAYS = 3, 2
LOW_MOOD, LOW_DAYS = -3, 3
SLEEP_DROP_HOURS, SLEEP_NIGHTS = Decimal(2), 2
SRM_DROP = Decimal("1.0")
RECENT_DAYS = 14  # warnings look at the last two weeks
SLEEP_BASELINE_DAYS = 14  # personal sleep baseline: the first two weeks recorded [GK]


@dataclass(frozen=True)
class Sign:
    """One §4.6 early-warning sign: ``code`` names the rule (kept on its alert's value)."""

    code: int
    text: str

    def __str__(self) -> str:
        return self.text


HIGH_MOOD_SIGN, LOW_MOOD_SIGN, SHORT_SLEEP_SIGN, RHYTHM_DROP_SIGN = 1, 2, 3, 4


@dataclass
class Timeline:
    start: date
    end: date
    weeks: list[RhythmWeek]
    moods: list[DailyMood]
    events: list[LifeEvent]
    whole: bool
    earlier: bool = False  # there is history before the window
    warnings: list[Sign] = field(default_factory=list)
    baseline: Decimal | None = None


def load(episode: Episode, *, whole: bool = False, today: date | None = None) -> Timeline:
    today = today or timezone.localdate()
    end = week_start(today) + timedelta(days=6)
    start = week_start(today) - timedelta(weeks=WINDOW_WEEKS - 1)
    weeks = RhythmWeek.objects.filter(episode=episode)
    moods = DailyMood.objects.filter(episode=episode)
    events = LifeEvent.objects.filter(episode=episode)
    all_weeks = list(weeks.order_by("week_start"))
    if whole:
        first = [d for d in (_first(all_weeks), _first_day(moods), _first_day(events)) if d]
        start = week_start(min([start, *first]))
    else:
        moods, events = moods.filter(day__gte=start), events.filter(day__gte=start)
    timeline = Timeline(
        start=start,
        end=end,
        weeks=[w for w in all_weeks if w.week_start >= start],
        moods=list(moods.filter(day__lte=end).order_by("day")),
        events=list(events.filter(day__lte=end).order_by("day", "created_at")),
        whole=whole,
        earlier=not whole and any(w.week_start < start for w in all_weeks),
    )
    timeline.baseline = baseline(all_weeks)
    timeline.warnings = early_warnings(timeline.weeks, timeline.moods, timeline.baseline, today)
    return timeline


def _first(weeks: list[RhythmWeek]) -> date | None:
    return weeks[0].week_start if weeks else None


def _first_day(rows: object) -> date | None:
    row = rows.order_by("day").values_list("day", flat=True).first()  # type: ignore[attr-defined]
    return row


def baseline(weeks: list[RhythmWeek]) -> Decimal | None:
    """§4.4: the first two consecutive weeks with a score, averaged."""
    if not weeks:
        return None
    by_start = {w.week_start: w.score for w in weeks}
    first, last = weeks[0].week_start, weeks[-1].week_start
    scores = [by_start.get(first + timedelta(weeks=n)) for n in range((last - first).days // 7 + 1)]
    return scoring.baseline(scores)


def early_warnings(
    weeks: list[RhythmWeek], moods: list[DailyMood], baseline_score: Decimal | None, today: date
) -> list[Sign]:
    """Which §4.6 signs the last two weeks show (words for the therapist)."""
    recent = [m for m in moods if m.day > today - timedelta(days=RECENT_DAYS)]
    signs = []
    if _run(recent, lambda m: m.mood >= HIGH_MOOD) >= HIGH_DAYS:
        text = f"Mood +{HIGH_MOOD} or higher on {HIGH_DAYS} days in a row."
        signs.append(Sign(HIGH_MOOD_SIGN, text))
    if _run(recent, lambda m: m.mood <= LOW_MOOD) >= LOW_DAYS:
        signs.append(Sign(LOW_MOOD_SIGN, f"Mood {LOW_MOOD} or lower on {LOW_DAYS} days in a row."))
    slept = [m.sleep_hours for m in moods[:SLEEP_BASELINE_DAYS] if m.sleep_hours is not None]
    if len(slept) >= SLEEP_BASELINE_DAYS // 2:
        usual = sum(slept) / len(slept)
        short = [
            m
            for m in recent
            if m.sleep_hours is not None and m.sleep_hours <= usual - SLEEP_DROP_HOURS
        ]
        if len(short) >= SLEEP_NIGHTS:
            text = (
                f"Slept {SLEEP_DROP_HOURS} hours or more below the usual {usual:.1f} "
                f"on {len(short)} nights."
            )
            signs.append(Sign(SHORT_SLEEP_SIGN, text))
    scored = [w for w in weeks if w.score is not None]
    if baseline_score is not None and scored and scored[-1].score <= baseline_score - SRM_DROP:
        text = (
            f"Rhythm score {scored[-1].score} is {SRM_DROP} or more below the baseline "
            f"{baseline_score}."
        )
        signs.append(Sign(RHYTHM_DROP_SIGN, text))
    return signs


def _run(moods: list[DailyMood], test: object) -> int:
    """The longest run of consecutive days passing ``test``."""
    best = length = 0
    previous = None
    for mood in moods:
        if test(mood):  # type: ignore[operator]
            consecutive = previous is not None and mood.day - previous == timedelta(days=1)
            length = length + 1 if consecutive else 1
            previous = mood.day
        else:
            length, previous = 0, None
        best = max(best, length)
    return best
