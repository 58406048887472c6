"""iCalendar (RFC 5545) built with the icalendar library: one event, or a therapist's feed.

Nothing clinical goes in: a summary of kind and initials, times, and a video
link when there is one. No names, no notes, no diagnosis.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from rapport.scheduling.models import Appointment

PRODID = "-//Rapport//Scheduling//EN"
# The MIME types of attached calendar files (RFC 6047): "add this" and "remove this".
PUBLISH_TYPE = "text/calendar; method=PUBLISH"
CANCEL_TYPE = "text/calendar; method=CANCEL"
CANCELLED = (Appointment.Status.CANCELLED, Appointment.Status.LATE_CANCELLED)


def _calendar(name: str, *, method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    return calendar


def _uid(appointment: Appointment) -> str:
    host = (settings.RAPPORT_BASE_URL.split("://")[-1] or "rapport").split("/")[0]
    return f"{appointment.public_id}@{host}"


def _event(appointment: Appointment, summary: str, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", _uid(appointment))
    event.add("dtstamp", stamp)
    event.add("dtstart", appointment.starts_at.astimezone(dt.UTC))
    event.add("dtend", appointment.ends_at.astimezone(dt.UTC))
    event.add("summary", summary)
    event.add("sequence", appointment.version)
    cancelled = appointment.status in CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if appointment.video_link:
        event.add("location", appointment.video_link)
        event.add("url", appointment.video_link)
    return event


def client_summary(appointment: Appointment) -> str:
    """What the client's calendar shows: an appointment and the therapist's initials."""
    return _("Appointment — %(initials)s") % {"initials": _dotted(appointment.therapist.initials)}


def therapist_summary(appointment: Appointment) -> str:
    """What the therapist's calendar shows: the kind and the client's initials only."""
    if appointment.client_id:
        client = appointment.client
        initials = (client.preferred_name or client.given_name)[:1] + client.family_name[:1]
    else:
        initials = ""
    kind = appointment.get_kind_display()
    return f"{kind} — {_dotted(initials.upper())}" if initials else kind


def _dotted(initials: str) -> str:
    return "".join(f"{letter}." for letter in initials)


def appointment_ics(appointment: Appointment) -> bytes:
    """One event for the client's reminder e-mail (METHOD:PUBLISH: add to calendar)."""
    calendar = _calendar(_("Appointment"), method="PUBLISH")
    calendar.add_component(_event(appointment, client_summary(appointment), timezone.now()))
    return calendar.to_ical()


def feed_ics(appointments: Iterable[Appointment], name: str) -> bytes:
    """A therapist's subscription feed (the caller leaves cancelled appointments out)."""
    calendar = _calendar(name)
    stamp = timezone.now()
    for appointment in appointments:
        calendar.add_component(_event(appointment, therapist_summary(appointment), stamp))
    return calendar.to_ical()


def booking_ics(appointments: Iterable[Appointment]) -> bytes:
    """The booking confirmation's calendar file: one event per booked appointment
    (METHOD:PUBLISH: add to calendar), with the client's summary only."""
    calendar = _calendar(_("Appointments"), method="PUBLISH")
    stamp = timezone.now()
    for appointment in appointments:
        calendar.add_component(_event(appointment, client_summary(appointment), stamp))
    return calendar.to_ical()


def cancel_ics(appointments: Iterable[Appointment]) -> bytes:
    """The cancellation e-mail's calendar file (METHOD:CANCEL): each event the client was
    sent, with the same UID and a higher SEQUENCE (cancelling raised the appointment's
    version), marked CANCELLED, so their calendar removes it."""
    calendar = _calendar(_("Appointments"), method="CANCEL")
    stamp = timezone.now()
    for appointment in appointments:
        calendar.add_component(_event(appointment, client_summary(appointment), stamp))
    return calendar.to_ical()
