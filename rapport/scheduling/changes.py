"""Changing booked appointments: cancel or move one occurrence or all following,
late cancellation, no-show and attendance (issue 5 item 6).

* Cancelling inside the clinic's window (``late_cancellation_hours``, default
  24 h) before the start records ``late_cancelled``; earlier, ``cancelled``.
  With "all following", each occurrence is judged by its own start time.
* Moving books a new appointment (same series and ``series_index``, its own
  reminders) and cancels the original, linked by ``moved_from``; moving is not
  a late cancellation. Moving "all following" shifts every later booked
  occurrence of the series by the same number of days to the new local time,
  all or nothing: one clash and nothing changes.
* Cancelled and moved-away appointments stop counting toward the course's
  session number (``series.session_number``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.core.fields import sealed
from rapport.scheduling import reminders, signals
from rapport.scheduling.booking import SlotTaken, book, scheduling_settings
from rapport.scheduling.models import Appointment
from rapport.scheduling.timeutil import local_to_utc, utc_to_local

CHANGEABLE = (Appointment.Status.BOOKED, Appointment.Status.HELD)


class ChangeRefused(Exception):
    """The change may not be made; the message says why, for the user."""


def is_late(appointment: Appointment, now: dt.datetime | None = None) -> bool:
    """Whether cancelling now falls inside the clinic's late-cancellation window."""
    now = now or timezone.now()
    hours = scheduling_settings(appointment.clinic).late_cancellation_hours
    return now < appointment.starts_at and appointment.starts_at - now < dt.timedelta(hours=hours)


def following(appointment: Appointment) -> list[Appointment]:
    """This appointment and the later booked occurrences of its series."""
    if appointment.series_id is None:
        return [appointment]
    later = Appointment.objects.filter(
        series_id=appointment.series_id,
        status__in=CHANGEABLE,
        starts_at__gt=appointment.starts_at,
    ).select_related("clinic", "client", "therapist")
    return [appointment, *later]


def _check_changeable(appointment: Appointment, now: dt.datetime) -> None:
    if appointment.status not in CHANGEABLE:
        raise ChangeRefused(_("This appointment is no longer booked, so it cannot be changed."))
    if appointment.starts_at <= now:
        raise ChangeRefused(
            _("This appointment has already started: record attendance or a no-show instead.")
        )


@transaction.atomic
def cancel(
    appointment: Appointment,
    *,
    by: Any,
    reason: str = "",
    all_following: bool = False,
    now: dt.datetime | None = None,
) -> list[Appointment]:
    """Cancel one occurrence (or it and every later one); returns those cancelled."""
    now = now or timezone.now()
    _check_changeable(appointment, now)
    targets = following(appointment) if all_following else [appointment]
    for target in targets:
        late = is_late(target, now)
        target.status = Appointment.Status.LATE_CANCELLED if late else Appointment.Status.CANCELLED
        _mark_cancelled(target, by=by, reason=reason, now=now)
    return targets


def _mark_cancelled(appointment: Appointment, *, by: Any, reason: str, now: dt.datetime) -> None:
    appointment.cancelled_at = now
    appointment.cancelled_by = by
    appointment.cancel_reason = reason[:200]
    Appointment.objects.filter(pk=appointment.pk).update(
        **sealed(
            appointment,
            status=appointment.status,
            cancelled_at=now,
            cancelled_by=by,
            cancel_reason=appointment.cancel_reason,
            version=F("version") + 1,
        )
    )
    reminders.cancel_pending(appointment)
    signals.appointment_cancelled.send(sender=Appointment, appointment=appointment)


@transaction.atomic
def move(
    appointment: Appointment,
    *,
    day: dt.date,
    at: dt.time,
    zone: str,
    by: Any,
    all_following: bool = False,
    now: dt.datetime | None = None,
) -> list[Appointment]:
    """Move one occurrence (or it and every later one) to a new local date and time.

    Raises SlotTaken (nothing changed) if any new time clashes.
    """
    now = now or timezone.now()
    _check_changeable(appointment, now)
    targets = following(appointment) if all_following else [appointment]
    shift = day - utc_to_local(appointment.starts_at, zone).date()
    plans = []
    for target in targets:
        new_day = utc_to_local(target.starts_at, zone).date() + shift
        starts_at = local_to_utc(new_day, at, zone)
        if starts_at <= now:
            raise ChangeRefused(_("The new time is in the past. Please choose a later time."))
        plans.append((target, starts_at, starts_at + (target.ends_at - target.starts_at)))
    # Free the old times first, so a small shift may overlap its own old slot.
    for target, _starts, _ends in plans:
        target.status = Appointment.Status.CANCELLED
        _mark_cancelled(target, by=by, reason=_("Rescheduled"), now=now)
    return [_rebook(target, starts, ends, by=by) for target, starts, ends in plans]


def _rebook(
    original: Appointment, starts_at: dt.datetime, ends_at: dt.datetime, *, by: Any
) -> Appointment:
    moved = book(
        clinic=original.clinic,
        therapist=original.therapist,
        client=original.client,
        request_id=original.request_id,
        starts_at=starts_at,
        ends_at=ends_at,
        kind=original.kind,
        by=by,
        status=original.status if original.status in CHANGEABLE else Appointment.Status.BOOKED,
        context_id=original.context_id,
        series=original.series,
        series_index=original.series_index,
        video_link=original.video_link,
    )
    Appointment.objects.filter(pk=moved.pk).update(moved_from=original)
    moved.moved_from = original
    return moved


def record_attendance(
    appointment: Appointment, status: str, *, now: dt.datetime | None = None
) -> None:
    """Attended or no-show, once the appointment has started."""
    now = now or timezone.now()
    if status not in (Appointment.Status.ATTENDED, Appointment.Status.NO_SHOW):
        raise ChangeRefused(_("Choose attended or did not attend."))
    if appointment.status not in (
        Appointment.Status.BOOKED,
        Appointment.Status.ATTENDED,
        Appointment.Status.NO_SHOW,
    ):
        raise ChangeRefused(_("A cancelled appointment has no attendance to record."))
    if appointment.starts_at > now:
        raise ChangeRefused(_("Attendance is recorded once the appointment has started."))
    appointment.status = status
    Appointment.objects.filter(pk=appointment.pk).update(status=status, version=F("version") + 1)
    reminders.cancel_pending(appointment)


def set_video_link(appointment: Appointment, link: str) -> None:
    appointment.video_link = link
    Appointment.objects.filter(pk=appointment.pk).update(video_link=link, version=F("version") + 1)


__all__ = [
    "ChangeRefused",
    "SlotTaken",
    "cancel",
    "following",
    "is_late",
    "move",
    "record_attendance",
    "set_video_link",
]
