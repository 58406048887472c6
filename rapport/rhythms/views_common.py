"""What the staff and portal pages share: the chart and tables, the week form's handling."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import Http404, HttpRequest

from rapport.ipt.models import Episode
from rapport.rhythms import charts, services, timeline
from rapport.rhythms.activities import Activity, Engagement, Medication, Person
from rapport.rhythms.forms import WeekForm
from rapport.rhythms.models import RhythmWeek
from rapport.rhythms.scoring import clock


def parse_week(text: str) -> date:
    """A week's Monday from the URL (ISO date); anything else is not a page (404)."""
    try:
        day = date.fromisoformat(text)
    except ValueError as error:
        raise Http404 from error
    if day != services.week_start(day):
        raise Http404
    return day


def chart_context(episode: Episode, request: HttpRequest, *, plain: bool, title: str) -> dict:
    whole = request.GET.get("all") == "1"
    shown = timeline.load(episode, whole=whole)
    svg = charts.render(
        title=title,
        start=shown.start,
        end=shown.end,
        weeks=shown.weeks,
        moods=shown.moods,
        events=shown.events,
        plain=plain,
    )
    return {
        "timeline": shown,
        "chart": svg,
        "week_rows": list(reversed(shown.weeks)),
        "mood_rows": [_mood_row(m) for m in reversed(shown.moods)],
        "events": list(enumerate(shown.events, start=1)),
    }


def _mood_row(mood: Any) -> dict[str, Any]:
    return {
        "row": mood,
        "mood": f"{mood.mood:+d}" if mood.mood else "0",
        "medication": Medication(mood.medication).label if mood.medication else "",
    }


@dataclass
class WeekPage:
    start: date
    week: RhythmWeek | None
    form: WeekForm
    listed: list[services.Listed]


def week_page(episode: Episode, start: date, data: Any = None) -> WeekPage:
    week = RhythmWeek.objects.filter(episode=episode, week_start=start).first()
    listed = services.activities(episode)
    stored = services.cells_of(week)
    form = WeekForm(
        services.week_days(start),
        listed,
        stored,
        data,
        initial={"version": week.version if week else 0},
    )
    return WeekPage(start, week, form, listed)


def week_breakdown(week: RhythmWeek | None, listed: list[services.Listed]) -> list[dict]:
    """Per activity: how often done, its habitual time and hits (the score's workings)."""
    if week is None:
        return []
    cells = {key: services.Cell(entry.minutes) for key, entry in services.cells_of(week).items()}
    result = services.score(cells)
    labels = {item.activity: item.label for item in listed}
    return [
        {
            "label": labels.get(a.activity) or Activity(a.activity).label,
            "done": a.done,
            "habitual": clock(a.habitual),
            "hits": a.hits,
            "included": a.included,
        }
        for a in result.activities
    ]


ENGAGEMENT = dict(Engagement.choices)
PEOPLE = dict(Person.choices)
