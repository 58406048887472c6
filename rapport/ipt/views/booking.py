"""Book the course from the contract in one step (issue 5 item 6).

The contract gives the number of sessions, the frequency and the session
length; the therapist chooses the first date and the local time. The booking
itself is scheduling's (``scheduling.series.book_series``); the episode is
known there only by its public id (``context_id``).

When the course would land on clinic closure days, the first "Book" shows a
warning listing them and asks whether to skip them (the default: the course
runs on past them, so every contracted session is still booked) or to book
them anyway; the second "Book" books as chosen.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.core.inputs import SaneDateField
from rapport.core.zones import TimeZoneField
from rapport.ipt.models import Contract, Episode
from rapport.ipt.views.base import episode_context, get_episode
from rapport.scheduling import confirmations
from rapport.scheduling import series as scheduling_series
from rapport.scheduling.models import Series, WeeklyHours
from rapport.scheduling.views.appointments import VideoLinkForm

SKIP, KEEP = "skip", "keep"


class BookSeriesForm(forms.Form):
    first = SaneDateField(
        label=gettext_lazy("First session"), widget=forms.DateInput({"type": "date"})
    )
    at = forms.TimeField(
        label=gettext_lazy("Start time"),
        widget=forms.TimeInput({"type": "time"}, format="%H:%M"),
        help_text=gettext_lazy("Every session keeps this wall-clock time, across DST changes."),
    )
    second_weekday = forms.TypedChoiceField(
        label=gettext_lazy("Second weekday"),
        choices=WeeklyHours.Weekday.choices,
        coerce=int,
        help_text=gettext_lazy("Twice weekly: the other day of each week."),
    )
    time_zone = TimeZoneField(label=gettext_lazy("Time zone"))
    video_link = VideoLinkForm.base_fields["video_link"]
    closures = forms.ChoiceField(
        choices=[(SKIP, SKIP), (KEEP, KEEP)], required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, contract: Contract, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if contract.frequency != Contract.Frequency.TWICE_WEEKLY:
            del self.fields["second_weekday"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, second = data.get("first"), data.get("second_weekday")
        if first is not None and second is not None and first.weekday() == second:
            self.add_error("second_weekday", _("Choose a different day from the first session's."))
        return data


def _existing(episode: Episode) -> Series | None:
    return Series.objects.filter(context_id=episode.public_id).order_by("-created_at").first()


@requires(Capability.EDIT_CLINICAL)
def book_series(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    contract = episode.current_contract
    if contract is None:
        messages.info(request, _("Agree the contract first: it sets the number of sessions."))
        return redirect("ipt:contract", public_id=episode.public_id)
    existing = _existing(episode)
    zone = episode.therapist.time_zone or episode.client.clinic.time_zone
    form = BookSeriesForm(
        request.POST or None,
        contract=contract,
        initial={"first": contract.start_on, "time_zone": zone},
    )
    form.fields["time_zone"].widget.first = zone
    crossed: list[Any] = []
    if request.method == "POST" and existing is None and form.is_valid():
        crossed = _crossed(episode, contract, form.cleaned_data)
        if not crossed or form.cleaned_data["closures"]:
            return _book(request, episode, contract, form.cleaned_data)
    if request.method == "GET":
        audit.record(request, "ipt.contract.viewed", episode)
    context = episode_context(
        request, episode, "contract", form=form, existing=existing, crossed=crossed
    )
    return render(request, "ipt/contract/book_series.html", context)


def _crossed(episode: Episode, contract: Contract, data: dict[str, Any]) -> list[Any]:
    """The clinic closure days (date, name) the course would be booked on."""
    return scheduling_series.closures_crossed(
        therapist=episode.therapist,
        first=data["first"],
        at=data["at"],
        zone=data["time_zone"],
        count=contract.planned_sessions,
        frequency=contract.frequency,
        minutes=contract.session_minutes,
        second_weekday=data.get("second_weekday"),
    )


def _book(
    request: HttpRequest, episode: Episode, contract: Contract, data: dict[str, Any]
) -> HttpResponse:
    result = scheduling_series.book_series(
        client=episode.client,
        therapist=episode.therapist,
        by=request.user,
        first=data["first"],
        at=data["at"],
        zone=data["time_zone"],
        count=contract.planned_sessions,
        frequency=contract.frequency,
        minutes=contract.session_minutes,
        context_id=episode.public_id,
        second_weekday=data.get("second_weekday"),
        video_link=data.get("video_link") or "",
        skip_closures=data.get("closures") == SKIP,
    )
    for appointment in result.booked:
        audit.record(request, "scheduling.appointment.booked", appointment, fields=["starts_at"])
    booked = len(result.booked)
    messages.success(
        request,
        ngettext("%(n)s session booked.", "%(n)s sessions booked.", booked) % {"n": booked},
    )
    for day in result.skipped_days:
        messages.info(
            request,
            _("%(day)s skipped: the therapist is away. The course continues on the next date.")
            % {"day": day.isoformat()},
        )
    for day in result.closed_days:
        messages.info(
            request,
            _("%(day)s skipped: the clinic is closed. The course continues on the next date.")
            % {"day": day.isoformat()},
        )
    if result.booked:
        sent = confirmations.confirm_booking(result.booked[0], series=result.series)
        if sent:
            messages.info(request, _("The client is sent a confirmation e-mail with the dates."))
    if result.conflicts:
        messages.warning(
            request,
            ngettext(
                "%(n)s session clashes with an existing appointment and needs manual placement.",
                "%(n)s sessions clash with existing appointments and need manual placement.",
                len(result.conflicts),
            )
            % {"n": len(result.conflicts)},
        )
    return redirect("scheduling:series", public_id=result.series.public_id)
