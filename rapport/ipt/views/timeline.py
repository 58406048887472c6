"""The timeline: life and interpersonal events linked to mood (§1.3 task 6)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.core.versioning import VersionedForm
from rapport.ipt.forms.inventory import TimelineEventForm, by_name
from rapport.ipt.models import Episode, TimelineEvent
from rapport.ipt.suggestions import AFTER_ONSET, BEFORE_ONSET
from rapport.ipt.views.base import episode_context, get_episode


def _event(episode: Episode, event_id: uuid.UUID) -> TimelineEvent:
    return get_object_or_404(episode.timeline, public_id=event_id)


def near_onset(day: date, onset: date) -> bool:
    """§1.3 task 6: changes "proximal to the onset" — the window the suggestions use."""
    return -BEFORE_ONSET <= day - onset <= AFTER_ONSET  # a difference: safe at any date


@dataclass
class Entry:
    event: TimelineEvent
    is_onset: bool
    near_onset: bool
    people: list


@requires(Capability.VIEW_CLINICAL)
def timeline(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id)
    events = list(episode.timeline.prefetch_related("people"))
    audit.record(request, "ipt.timeline_event.listed", episode)
    marked = [event for event in events if event.is_onset]
    # If more than one event was ever marked, the earliest counts (as in suggestions);
    # with none marked, the episode's start stands in for the onset.
    onset_event = min(marked, key=lambda e: (e.occurred_on, e.pk)) if marked else None
    onset = onset_event.occurred_on if onset_event else episode.started_on
    entries = [
        Entry(
            event,
            event is onset_event,
            event is not onset_event and near_onset(event.occurred_on, onset),
            by_name(event.people.all()),
        )
        for event in events
    ]
    context = episode_context(
        request,
        episode,
        "timeline",
        entries=entries,
        onset=onset,
        onset_event=onset_event,
        extra_onsets=len(marked) - 1 if marked else 0,
        window_before=BEFORE_ONSET.days,
        window_after=AFTER_ONSET.days,
    )
    return render(request, "ipt/timeline/list.html", context)


@requires(Capability.EDIT_CLINICAL)
def event_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    form = TimelineEventForm(
        request.POST or None, instance=TimelineEvent(episode=episode), episode=episode
    )
    if request.method == "POST" and form.is_valid():
        event = form.save()
        audit.record(request, "ipt.timeline_event.created", event, fields=_changed(form))
        messages.success(request, _("Event added to the timeline."))
        return redirect("ipt:timeline", public_id=episode.public_id)
    context = episode_context(request, episode, "timeline", form=form, adding=True)
    return render(request, "ipt/timeline/form.html", context)


@requires(Capability.EDIT_CLINICAL)
def event_edit(request: HttpRequest, public_id: uuid.UUID, event_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    event = _event(episode, event_id)
    form = TimelineEventForm(request.POST or None, instance=event, episode=episode)
    if request.method == "POST":
        if form.is_valid() and _still_current(form, event):
            form.save()
            audit.record(request, "ipt.timeline_event.updated", event, fields=_changed(form))
            messages.success(request, _("Changes saved."))
            return redirect("ipt:timeline", public_id=episode.public_id)
        _offer_current_fingerprint(form, event)
    else:
        audit.record(request, "ipt.timeline_event.viewed", event)
    context = episode_context(request, episode, "timeline", form=form, event=event)
    return render(request, "ipt/timeline/form.html", context)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def event_delete(request: HttpRequest, public_id: uuid.UUID, event_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    event = _event(episode, event_id)
    audit.record(request, "ipt.timeline_event.deleted", event)
    event.remove(request.user)
    messages.success(request, _("Event deleted from the timeline."))
    return redirect("ipt:timeline", public_id=episode.public_id)


def _changed(form: TimelineEventForm) -> list[str]:
    return [name for name in form.changed_data if name != "fingerprint"]


def _still_current(form: TimelineEventForm, event: TimelineEvent) -> bool:
    """Check again under a row lock (the request is one transaction) just before writing."""
    locked = TimelineEvent.objects.select_for_update().get(pk=event.pk)
    fresh = TimelineEventForm(instance=locked, episode=form.episode)
    if fresh.current_fingerprint() == form.cleaned_data.get("fingerprint"):
        return True
    form.add_error(None, ValidationError(VersionedForm.stale_message, code="stale"))
    return False


def _offer_current_fingerprint(form: TimelineEventForm, event: TimelineEvent) -> None:
    """After a conflict the typed text stays; a second, deliberate save may then overwrite."""
    if form.has_error("__all__", "stale"):
        event.refresh_from_db()
        fresh = TimelineEventForm(instance=event, episode=form.episode)
        form.data = form.data.copy()
        form.data["fingerprint"] = fresh.current_fingerprint()
