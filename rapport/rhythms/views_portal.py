"""The client's social rhythm diary in the portal (variants.md §4.4, §4.7).

The client's own (PORTAL_OWN): a guardian gets 403. The diary belongs to the client's
latest episode whose manual schedules the Social Rhythm Metric; a client with none
sees an empty page, and a week page answers 404. Every read and write is audited.
Words that match the clinic's risk-phrase list show crisis resources at once, and the
therapist gets an alert (services.py, measures' safety workflow).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import audit
from rapport.core.access import Capability
from rapport.ipt.models import Episode
from rapport.portal.access import portal_client, portal_view
from rapport.portal.due import DueItem, due_source
from rapport.rhythms import services
from rapport.rhythms.forms import EventForm, MoodForm
from rapport.rhythms.models import DailyMood, RhythmWeek, Source
from rapport.rhythms.views_common import (
    WeekPage,
    chart_context,
    parse_week,
    week_breakdown,
    week_page,
)

OWN = Capability.PORTAL_OWN
ALERTED = "rapport.rhythms.alerted"  # session flag: show crisis resources on the next page


def diary_episode(request: HttpRequest) -> Episode | None:
    """The client's latest episode that keeps the diary, through the access layer."""
    return (
        Episode.objects.visible_to(request.user, OWN)
        .filter(variant__in=services.offering_variants())
        .select_related("client__clinic")
        .order_by("-started_on", "-pk")
        .first()
    )


def _writable(request: HttpRequest) -> Episode:
    episode = diary_episode(request)
    if episode is None:
        raise Http404
    if episode.status != Episode.Status.ACTIVE:
        raise PermissionDenied(_("This treatment has ended: its diary can be read, not changed."))
    return episode


@portal_view(OWN)
def home(request: HttpRequest, **forms: Any) -> HttpResponse:
    portal_client(request, OWN)
    episode = diary_episode(request)
    today = timezone.localdate()
    context: dict[str, Any] = {"episode": episode, "alerted": request.session.pop(ALERTED, False)}
    if episode is not None:
        context |= chart_context(
            episode, request, plain=True, title=_("Your rhythm score and mood")
        )
        context |= {
            "this_week": services.week_start(today),
            "last_week": services.week_start(today) - timedelta(days=7),
            "can_write": episode.status == Episode.Status.ACTIVE,
            "mood_form": forms.get("mood_form") or MoodForm(initial={"day": today}),
            "event_form": forms.get("event_form") or EventForm(initial={"day": today}),
        }
        audit.record(request, "portal.rhythms.viewed", episode)
    status = 400 if forms else 200
    return render(request, "rhythms/portal/home.html", context, status=status)


@portal_view(OWN)
def week(request: HttpRequest, start: str) -> HttpResponse:
    episode = diary_episode(request)
    if episode is None:
        raise Http404
    page = week_page(episode, parse_week(start), request.POST or None)
    if request.method == "POST":
        episode = _writable(request)
        if page.form.is_valid():
            return _save_week(request, episode, page, start)
    elif page.week is not None:
        audit.record(request, "portal.rhythms.week_viewed", page.week)
    context = {
        "page": page,
        "form": page.form,
        "breakdown": week_breakdown(page.week, page.listed),
        "previous": page.start - timedelta(days=7),
        "following": page.start + timedelta(days=7),
        "is_current": page.start == services.week_start(timezone.localdate()),
        "can_write": episode.status == Episode.Status.ACTIVE,
    }
    status = 400 if page.form.errors else 200
    return render(request, "rhythms/portal/week.html", context, status=status)


def _save_week(request: HttpRequest, episode: Episode, page: WeekPage, start: str) -> HttpResponse:
    try:
        saved = services.save_week(
            episode,
            page.start,
            page.form.cells(),
            version=page.form.cleaned_data["version"],
            by=request.user,
            source=Source.PORTAL,
        )
    except services.Stale:
        messages.error(
            request,
            _(
                "This week was changed meanwhile (perhaps with your therapist in session). "
                "It is shown as it is now: please enter your times again."
            ),
        )
        return redirect("portal_rhythms:week", start=start)
    audit.record(
        request, "portal.rhythms.week_saved", saved, fields=["minutes", "engagement", "people"]
    )
    if saved.score is None:
        messages.success(request, _("Saved. A score appears once an activity is done on 3 days."))
    else:
        messages.success(
            request,
            _("Saved. Your rhythm score this week: %(score)s of 7.") % {"score": saved.score},
        )
    return redirect(reverse("portal_rhythms:home") + "#chart-heading")


@require_POST
@portal_view(OWN)
def mood(request: HttpRequest) -> HttpResponse:
    episode = _writable(request)
    form = MoodForm(request.POST)
    if not form.is_valid():
        return home(request, mood_form=form)
    data = form.cleaned_data
    recorded = services.record_mood(
        episode,
        data["day"],
        mood=data["mood"],
        sleep_hours=data["sleep_hours"],
        medication=data["medication"],
        note=data["note"],
        source=Source.PORTAL,
    )
    audit.record(
        request, "portal.rhythms.mood_saved", recorded.row, fields=["mood", "sleep_hours", "note"]
    )
    return _saved(request, recorded, _("Mood saved."))


@require_POST
@portal_view(OWN)
def event(request: HttpRequest) -> HttpResponse:
    episode = _writable(request)
    form = EventForm(request.POST)
    if not form.is_valid():
        return home(request, event_form=form)
    recorded = services.add_event(
        episode,
        form.cleaned_data["day"],
        form.cleaned_data["description"],
        by=request.user,
        source=Source.PORTAL,
    )
    audit.record(request, "portal.rhythms.event_added", recorded.row, fields=["day", "description"])
    return _saved(request, recorded, _("Saved. Your therapist will see it on your chart."))


def _saved(request: HttpRequest, recorded: services.Recorded, words: str) -> HttpResponse:
    if recorded.alerts:
        request.session[ALERTED] = True
    messages.success(request, words)
    return redirect("portal_rhythms:home")


@due_source(guardian=False)
def rhythms_due(request: HttpRequest, client: Any) -> list[DueItem]:
    """This week's diary until it has a day entered; today's mood until it is given."""
    episode = diary_episode(request)
    if episode is None or episode.status != Episode.Status.ACTIVE:
        return []
    today = timezone.localdate()
    start = services.week_start(today)
    items = []
    if not RhythmWeek.objects.filter(episode=episode, week_start=start).exists():
        url = reverse("portal_rhythms:week", args=[start.isoformat()])
        items.append(DueItem(_("Fill in this week's rhythm diary"), url, "practice"))
    if not DailyMood.objects.filter(episode=episode, day=today).exists():
        url = reverse("portal_rhythms:home") + "#mood-heading"
        items.append(DueItem(_("Rate your mood today (-5 to +5)"), url, "practice"))
    return items
