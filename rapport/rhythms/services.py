"""Writing the IPSRT diaries (variants.md §4.4–§4.7): targets, weeks, mood, life events.

Which episodes keep them is read from the variant catalogue, never from a variant's
name: an episode whose manual schedules the Social Rhythm Metric (a ``MeasureDefault``
with instrument ``srm``, rapport/ipt/variants.py) offers the diaries. Words a client
writes (mood notes, life events) are checked against the clinic's risk-phrase list
and raise an alert through measures' one safety workflow (safety.md §5.1), in the
same transaction as the entry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.core.models import User
from rapport.ipt import variants
from rapport.ipt.models import Episode
from rapport.measures import alert_sources, risk_phrases, safety
from rapport.measures.instruments.base import Severity
from rapport.measures.models import SafetyAlert
from rapport.rhythms import scoring
from rapport.rhythms.activities import ORDER, SRM5, Activity
from rapport.rhythms.models import DailyMood, LifeEvent, RhythmEntry, RhythmTarget, RhythmWeek

SRM = "srm"  # the catalogue code of the Social Rhythm Metric (variants.py IPSRT.measures)
LONGEST_TEXT = 2000
PHRASE_SEVERITY = Severity.CRITICAL  # as practice entries (ipt/practice.py)


class RhythmError(ValueError):
    """The diary cannot take this (changed meanwhile, or a bad value)."""


class Stale(RhythmError):
    """Someone saved the week since this form was read."""


def offers(definition: variants.VariantDefinition) -> bool:
    """Whether a variant's manual schedules the Social Rhythm Metric (§4.7 schedule)."""
    return any(row.instrument == SRM for row in definition.measures)


def offering_variants() -> list[str]:
    return [code for code, definition in variants.DEFINITIONS.items() if offers(definition)]


def episode_offers(episode: Episode) -> bool:
    return offers(variants.of(episode))


def week_start(day: date) -> date:
    """The Monday of ``day``'s week: a diary week runs Monday to Sunday."""
    return day - timedelta(days=day.weekday())


def week_days(start: date) -> list[date]:
    return [start + timedelta(days=n) for n in range(7)]


@dataclass(frozen=True)
class Listed:
    """One activity of an episode's diary, with its current target if one is set."""

    activity: str
    label: str
    target: RhythmTarget | None


def activities(episode: Episode) -> list[Listed]:
    """The activities this episode's diary asks about: its targets', else the SRM-5."""
    targets = sorted(
        RhythmTarget.objects.filter(episode=episode).current(),
        key=lambda t: ORDER[t.activity],
    )
    if not targets:
        return [Listed(code, str(Activity(code).label), None) for code in SRM5]
    return [Listed(t.activity, t.own_label or str(Activity(t.activity).label), t) for t in targets]


@dataclass(frozen=True)
class TargetRow:
    activity: str
    minutes: int | None
    window: int
    own_label: str = ""


def set_targets(episode: Episode, rows: Iterable[TargetRow], *, by: User) -> int:
    """Set the episode's targets in session (§4.7): changed rows end and start anew.

    Returns how many targets changed. An activity left out is no longer asked.
    """
    now = timezone.now()
    wanted = {row.activity: row for row in rows}
    changed = 0
    with transaction.atomic():
        current = {
            t.activity: t
            for t in RhythmTarget.objects.select_for_update().filter(episode=episode).current()
        }
        for activity, target in current.items():
            row = wanted.get(activity)
            if row is None or (row.minutes, row.window, row.own_label) != (
                target.target_minutes,
                target.window_minutes,
                target.own_label,
            ):
                target.ended_at = now
                target.save(update_fields=["ended_at"])
                changed += 1
        for activity, row in wanted.items():
            if activity in current and current[activity].ended_at is None:
                continue
            RhythmTarget.objects.create(
                episode=episode,
                activity=activity,
                own_label=row.own_label,
                target_minutes=row.minutes,
                window_minutes=row.window,
                set_by=by,
                set_at=now,
            )
            changed += activity not in current
    return changed


@dataclass(frozen=True)
class Cell:
    """One activity on one day, as entered: no minutes means not done."""

    minutes: int | None
    engagement: int | None = None
    people: tuple[str, ...] = ()


def save_week(
    episode: Episode,
    start: date,
    cells: Mapping[tuple[date, str], Cell],
    *,
    version: int,
    by: User,
    source: str,
) -> RhythmWeek:
    """Store a week's diary and its scores; refuse (Stale) if it changed since ``version``.

    ``version`` is 0 for a week not yet written. The cells replace the week's entries.
    """
    if start != week_start(start):
        raise RhythmError("a diary week starts on a Monday")
    days = set(week_days(start))
    if any(day not in days for day, _activity in cells):
        raise RhythmError("a day outside this week")
    now = timezone.now()
    with transaction.atomic():
        week = RhythmWeek.objects.select_for_update().filter(episode=episode, week_start=start)
        week = week.first()
        if (week.version if week else 0) != version:
            raise Stale("this week was saved by someone else meanwhile")
        if week is None:
            week = RhythmWeek(episode=episode, week_start=start, version=0)
        result = score(cells)
        week.score, week.activity_level = result.score, result.activity_level
        week.included, week.hits = result.included, result.hits
        week.version += 1
        week.source, week.updated_at, week.updated_by = source, now, by
        week.save()
        week.entries.all().delete()
        RhythmEntry.objects.bulk_create(
            RhythmEntry(
                week=week,
                clinic_id=week.clinic_id,
                day=day,
                activity=activity,
                minutes=cell.minutes,
                engagement=cell.engagement if cell.minutes is not None else None,
                people=list(cell.people) if cell.minutes is not None else [],
            )
            for (day, activity), cell in sorted(cells.items())
            if cell.minutes is not None or cell.engagement is not None
        )
    _warn(episode)
    return week


def _warn(episode: Episode) -> None:
    """§4.6: every path that writes the diary checks the early-warning rule. Its alerts
    are the therapist's: they show the client no crisis resources (``Recorded.alerts``
    are the client's own risk words)."""
    from rapport.rhythms import warnings  # it reads the timeline, which imports this module

    warnings.raise_new_signs(episode)


def score(cells: Mapping[tuple[date, str], Cell]) -> scoring.WeekScore:
    times: dict[str, list[int]] = defaultdict(list)
    for (_day, activity), cell in sorted(cells.items()):
        times.setdefault(activity, [])
        if cell.minutes is not None:
            times[activity].append(cell.minutes)
    return scoring.score_week(times)


def cells_of(week: RhythmWeek | None) -> dict[tuple[date, str], RhythmEntry]:
    if week is None:
        return {}
    return {(e.day, e.activity): e for e in week.entries.all()}


@dataclass(frozen=True)
class Recorded:
    row: Any
    alerts: list[SafetyAlert]


def record_mood(
    episode: Episode,
    day: date,
    *,
    mood: int,
    sleep_hours: Decimal | None,
    medication: str,
    note: str,
    source: str,
) -> Recorded:
    """One day's mood (§4.4): a second entry for the same day replaces the first."""
    if day > timezone.localdate():
        raise RhythmError("a mood is recorded for today or a day before")
    note = note.strip()[:LONGEST_TEXT]
    matched = _risky(episode, note)
    with transaction.atomic():
        row, _created = DailyMood.objects.select_for_update().get_or_create(
            episode=episode,
            day=day,
            defaults={"mood": mood, "source": source, "updated_at": timezone.now()},
        )
        row.mood, row.sleep_hours, row.medication, row.note = mood, sleep_hours, medication, note
        row.source, row.updated_at = source, timezone.now()
        row.alerted = row.alerted or matched
        row.save()
        alerts = [_raise(episode, row)] if matched else []
    _warn(episode)
    return Recorded(row, alerts)


def add_event(episode: Episode, day: date, description: str, *, by: User, source: str) -> Recorded:
    description = description.strip()[:LONGEST_TEXT]
    if not description:
        raise RhythmError("say what happened")
    matched = _risky(episode, description)
    with transaction.atomic():
        event = LifeEvent.objects.create(
            episode=episode,
            day=day,
            description=description,
            source=source,
            created_at=timezone.now(),
            created_by=by,
            alerted=matched,
        )
        alerts = [_raise(episode, event)] if matched else []
    return Recorded(event, alerts)


def _risky(episode: Episode, text: str) -> bool:
    phrases = safety.clinic_settings(episode.client.clinic).risk_phrases or []
    return bool(risk_phrases.matches(text, phrases))


def _raise(episode: Episode, row: Any) -> SafetyAlert:
    # The diary is between-session practice: the alert names "words on the risk-phrase
    # list in practice" and never quotes them (alert_sources.summary).
    return safety.raise_from_source(
        episode.client,
        SafetyAlert.Source.PRACTICE,
        row.public_id,
        item=alert_sources.PHRASE,
        value=0,
        severity=PHRASE_SEVERITY,
    )
