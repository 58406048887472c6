"""The episode's social rhythms, staff side (variants.md §4.7): chart, targets, entry in session.

Only episodes whose manual schedules the Social Rhythm Metric have this page
(services.episode_offers); others answer 404. Reading is VIEW_CLINICAL (the
supervisor reads too), writing EDIT_CLINICAL (the therapist); every read and write is
audited.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.ipt.models import Episode
from rapport.ipt.views.base import episode_context, get_episode
from rapport.rhythms import services
from rapport.rhythms.forms import EventForm, MoodForm, TargetsForm
from rapport.rhythms.models import RhythmTarget, Source
from rapport.rhythms.views_common import (
    WeekPage,
    chart_context,
    parse_week,
    week_breakdown,
    week_page,
)


def _episode(request: HttpRequest, public_id: uuid.UUID, capability: Capability) -> Episode:
    episode = get_episode(request, public_id, capability)
    if not services.episode_offers(episode):
        raise Http404
    return episode


def _targets_form(episode: Episode, data: object = None) -> TargetsForm:
    current = {t.activity: t for t in RhythmTarget.objects.filter(episode=episode).current()}
    return TargetsForm(current, data)


@requires(Capability.VIEW_CLINICAL)
def rhythms_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = _episode(request, public_id, Capability.VIEW_CLINICAL)
    return _page(request, episode)


def _page(request: HttpRequest, episode: Episode, **forms: object) -> HttpResponse:
    today = timezone.localdate()
    shown = chart_context(episode, request, plain=False, title="Rhythm score and mood")
    audit.record(request, "rhythms.diary.viewed", episode)
    context = episode_context(
        request,
        episode,
        "rhythms",
        this_week=services.week_start(today),
        listed=services.activities(episode),
        targets_form=forms.get("targets_form") or _targets_form(episode),
        mood_form=forms.get("mood_form") or MoodForm(initial={"day": today}),
        event_form=forms.get("event_form") or EventForm(initial={"day": today}),
        **shown,
    )
    status = 400 if forms else 200
    return render(request, "rhythms/staff/page.html", context, status=status)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def targets_set(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = _episode(request, public_id, Capability.EDIT_CLINICAL)
    form = _targets_form(episode, request.POST)
    if not form.is_valid():
        return _page(request, episode, targets_form=form)
    changed = services.set_targets(episode, form.targets(), by=request.user)
    audit.record(
        request, "rhythms.targets.set", episode, fields=["activity", "target_minutes", "own_label"]
    )
    messages.success(request, f"Targets saved ({changed} changed).")
    return redirect(reverse("rhythms:page", args=[episode.public_id]) + "#targets")


@requires(Capability.VIEW_CLINICAL)
def week(request: HttpRequest, public_id: uuid.UUID, start: str) -> HttpResponse:
    """A week of the diary, with the score's workings; the therapist writes it in session."""
    episode = _episode(request, public_id, Capability.VIEW_CLINICAL)
    page = week_page(episode, parse_week(start))
    # An empty week is still a read of the client's diary page (and of its targets).
    audit.record(request, "rhythms.week.viewed", page.week or episode)
    return _week(request, episode, page)


def _week(request: HttpRequest, episode: Episode, page: WeekPage) -> HttpResponse:
    context = episode_context(
        request,
        episode,
        "rhythms",
        page=page,
        form=page.form,
        breakdown=week_breakdown(page.week, page.listed),
        previous=page.start - timedelta(days=7),
        following=page.start + timedelta(days=7),
    )
    status = 400 if page.form.errors else 200
    return render(request, "rhythms/staff/week.html", context, status=status)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def week_save(request: HttpRequest, public_id: uuid.UUID, start: str) -> HttpResponse:
    episode = _episode(request, public_id, Capability.EDIT_CLINICAL)
    page = week_page(episode, parse_week(start), request.POST)
    if not page.form.is_valid():
        return _week(request, episode, page)
    try:
        saved = services.save_week(
            episode,
            page.start,
            page.form.cells(),
            version=page.form.cleaned_data["version"],
            by=request.user,
            source=Source.SESSION,
        )
    except services.Stale:
        messages.error(
            request,
            "The client or a colleague saved this week meanwhile: their entries are shown. "
            "Nothing you typed was saved.",
        )
        return redirect("rhythms:week", public_id=episode.public_id, start=start)
    audit.record(request, "rhythms.week.saved", saved, fields=["minutes", "engagement", "people"])
    messages.success(request, "Week saved.")
    return redirect("rhythms:week", public_id=episode.public_id, start=start)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def mood_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = _episode(request, public_id, Capability.EDIT_CLINICAL)
    form = MoodForm(request.POST)
    if not form.is_valid():
        return _page(request, episode, mood_form=form)
    data = form.cleaned_data
    recorded = services.record_mood(
        episode,
        data["day"],
        mood=data["mood"],
        sleep_hours=data["sleep_hours"],
        medication=data["medication"],
        note=data["note"],
        source=Source.SESSION,
    )
    audit.record(
        request, "rhythms.mood.saved", recorded.row, fields=["mood", "sleep_hours", "note"]
    )
    messages.success(request, "Mood saved.")
    return redirect(reverse("rhythms:page", args=[episode.public_id]) + "#mood-heading")


@require_POST
@requires(Capability.EDIT_CLINICAL)
def event_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = _episode(request, public_id, Capability.EDIT_CLINICAL)
    form = EventForm(request.POST)
    if not form.is_valid():
        return _page(request, episode, event_form=form)
    recorded = services.add_event(
        episode,
        form.cleaned_data["day"],
        form.cleaned_data["description"],
        by=request.user,
        source=Source.SESSION,
    )
    audit.record(request, "rhythms.event.added", recorded.row, fields=["day", "description"])
    messages.success(request, "Life event added.")
    return redirect(reverse("rhythms:page", args=[episode.public_id]) + "#events-heading")
