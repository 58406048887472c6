"""Rhythm regularity per week and mood per day, on one date axis with life events.

Like measures' charts (rapport/measures/charts.py) the SVG is a pure function of its
data, drawn with presentation attributes only (no style, no script), readable in
greyscale, with a <title> and <desc>; a data table sits beside it on the page. The
upper panel is the weekly SRM score (0–7, variants.md §4.4), the lower the daily mood
(-5 … +5, §4.4), and each life event is a numbered line through both.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from xml.sax.saxutils import escape

from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from rapport.rhythms.activities import MOOD_HIGHEST, MOOD_LOWEST
from rapport.rhythms.models import DailyMood, LifeEvent, RhythmWeek

WIDTH, HEIGHT = 640, 360
LEFT, RIGHT, TOP = 48, 16, 36
SRM_TOP, SRM_H = TOP, 110
MOOD_TOP, MOOD_H = TOP + 110 + 36, 140
AXIS_Y = MOOD_TOP + MOOD_H
INK, MUTED, ACCENT, MOOD, EVENT = "#1d2733", "#4a5868", "#1f5f8b", "#7a3b12", "#6b3fa0"
SRM_MAX = 7


def _day(day: date) -> str:
    return formats.date_format(day, "j M Y")


class _Axis:
    def __init__(self, start: date, end: date) -> None:
        self.start, self.days = start, max((end - start).days + 1, 7)

    def x(self, day: date, offset: float = 0.0) -> float:
        plot = WIDTH - LEFT - RIGHT
        return round(LEFT + plot * ((day - self.start).days + offset) / self.days, 1)


def render(
    *,
    title: str,
    start: date,
    end: date,
    weeks: Sequence[RhythmWeek],
    moods: Sequence[DailyMood],
    events: Sequence[LifeEvent],
    chart_id: str = "rhythm-chart",
    plain: bool = False,
) -> SafeString:
    axis = _Axis(start, end)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" class="rhythm-chart" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="sans-serif">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(describe(weeks, moods, events, plain=plain))}</desc>',
        *_frame(axis, start, end, plain=plain),
        *_weeks(axis, weeks),
        *_moods(axis, moods),
        *_events(axis, events),
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308  (every text node above is escaped)


def describe(
    weeks: Sequence[RhythmWeek],
    moods: Sequence[DailyMood],
    events: Sequence[LifeEvent],
    *,
    plain: bool = False,
) -> str:
    scored = [w for w in weeks if w.score is not None]
    if scored:
        text = _("Rhythm score for %(n)s weeks; latest %(score)s of 7, week of %(day)s.") % {
            "n": len(scored),
            "score": scored[-1].score,
            "day": _day(scored[-1].week_start),
        }
    else:
        text = _("No rhythm score yet.")
    if moods:
        text += " " + _("Mood on %(n)s days; latest %(mood)s on %(day)s.") % {
            "n": len(moods),
            "mood": f"{moods[-1].mood:+d}",
            "day": _day(moods[-1].day),
        }
    if events:
        text += " " + _("%(n)s life events, numbered as in the list below.") % {"n": len(events)}
    return text


def _frame(axis: _Axis, start: date, end: date, *, plain: bool) -> list[str]:
    left, right = LEFT, WIDTH - RIGHT
    srm_title = _("Rhythm score (0 to 7, higher is more regular)")
    mood_title = _("Mood (-5 low, 0 steady, +5 high)")
    parts = [
        f'<text x="{left}" y="{SRM_TOP - 12}" font-size="12" fill="{INK}">'
        f"{escape(srm_title)}</text>",
        f'<text x="{left}" y="{MOOD_TOP - 12}" font-size="12" fill="{INK}">'
        f"{escape(mood_title)}</text>",
    ]
    for value in (0, 7):
        y = _srm_y(value)
        parts.append(
            f'<line x1="{left}" y1="{y}" x2="{right}" y2="{y}" stroke="{MUTED}" '
            f'stroke-width="0.5"/><text x="{left - 6}" y="{y + 4}" font-size="11" '
            f'text-anchor="end" fill="{MUTED}">{value}</text>'
        )
    for value in (MOOD_LOWEST, 0, MOOD_HIGHEST):
        y = _mood_y(value)
        dash = "" if value == 0 else ' stroke-dasharray="2 3"'
        parts.append(
            f'<line x1="{left}" y1="{y}" x2="{right}" y2="{y}" stroke="{MUTED}" '
            f'stroke-width="0.5"{dash}/><text x="{left - 6}" y="{y + 4}" font-size="11" '
            f'text-anchor="end" fill="{MUTED}">{value:+d}</text>'
        )
    for day in (start, end):
        anchor = "start" if day == start else "end"
        parts.append(
            f'<text x="{axis.x(day, 0 if day == start else 1)}" y="{AXIS_Y + 18}" '
            f'font-size="11" text-anchor="{anchor}" fill="{MUTED}">{escape(_day(day))}</text>'
        )
    return parts


def _srm_y(value: float) -> float:
    return round(SRM_TOP + SRM_H - SRM_H * value / SRM_MAX, 1)


def _mood_y(value: float) -> float:
    middle = MOOD_TOP + MOOD_H / 2
    return round(middle - (MOOD_H / 2) * value / MOOD_HIGHEST, 1)


def _weeks(axis: _Axis, weeks: Sequence[RhythmWeek]) -> list[str]:
    parts = []
    for week in weeks:
        if week.score is None:
            continue
        x0, x1 = axis.x(week.week_start, 0.5), axis.x(week.week_start, 6.5)
        y = _srm_y(float(week.score))
        label = _("Week of %(day)s: %(score)s") % {
            "day": _day(week.week_start),
            "score": week.score,
        }
        parts.append(
            f'<rect class="srm-week" x="{x0}" y="{y}" width="{max(x1 - x0, 1.5)}" '
            f'height="{round(SRM_TOP + SRM_H - y, 1)}" fill="{ACCENT}">'
            f"<title>{escape(label)}</title></rect>"
        )
    return parts


def _moods(axis: _Axis, moods: Sequence[DailyMood]) -> list[str]:
    parts, run, previous = [], [], None
    for mood in moods:
        point = f"{axis.x(mood.day, 0.5)},{_mood_y(mood.mood)}"
        if previous is not None and mood.day - previous > timedelta(days=1):
            parts.append(_line(run))
            run = []
        run.append(point)
        previous = mood.day
        label = _("%(day)s: mood %(mood)s") % {"day": _day(mood.day), "mood": f"{mood.mood:+d}"}
        x, y = point.split(",")
        parts.append(
            f'<circle class="mood-day" cx="{x}" cy="{y}" r="2.5" fill="{MOOD}">'
            f"<title>{escape(label)}</title></circle>"
        )
    if run:
        parts.append(_line(run))
    return parts


def _line(points: list[str]) -> str:
    return f'<polyline points="{" ".join(points)}" fill="none" stroke="{MOOD}" stroke-width="1.5"/>'


def _events(axis: _Axis, events: Sequence[LifeEvent]) -> list[str]:
    parts = []
    for number, event in enumerate(events, start=1):
        x = axis.x(event.day, 0.5)
        name = _("Life event %(n)s") % {"n": number}
        parts.append(
            f'<g class="life-event"><title>{escape(name)}'
            f'</title><line x1="{x}" y1="{SRM_TOP}" x2="{x}" y2="{AXIS_Y}" stroke="{EVENT}" '
            f'stroke-width="1.2" stroke-dasharray="3 3"/>'
            f'<text x="{x}" y="{AXIS_Y + 32}" font-size="10" text-anchor="middle" '
            f'fill="{EVENT}">{number}</text></g>'
        )
    return parts
