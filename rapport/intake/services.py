"""Operations of the front door: the clinic's public pages and storing a request."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from rapport.core import audit
from rapport.core.models import Clinic
from rapport.core.outbox import queue_email
from rapport.intake import content, ratelimit, waitlist
from rapport.intake.models import ConsultationRequest, PublicPage
from rapport.measures import services as measures
from rapport.measures.models import Response
from rapport.scheduling import booking
from rapport.scheduling.models import Appointment

SCREEN = "phq9"
PICK_DAYS = 14
PICK_MAX = 20  # enough to choose from, few enough to read


def pages_for(clinic: Clinic | None) -> list[PublicPage]:
    """The clinic's pages, creating the shipped defaults it lacks (a fresh install shows them).

    Without any clinic yet, the defaults are shown unsaved.
    """
    if clinic is None:
        return [_default(None, n, page) for n, page in enumerate(content.DEFAULT_PAGES)]
    pages = list(PublicPage.objects.filter(clinic=clinic))
    have = {page.slug for page in pages}
    missing = [
        _default(clinic, n, page)
        for n, page in enumerate(content.DEFAULT_PAGES)
        if page.slug not in have
    ]
    if missing:
        # ignore_conflicts: two first visitors at once both try to create them.
        PublicPage.objects.bulk_create(missing, ignore_conflicts=True)
        pages = list(PublicPage.objects.filter(clinic=clinic))
    return pages


def _default(clinic: Clinic | None, position: int, page: content.DefaultPage) -> PublicPage:
    return PublicPage(
        clinic=clinic, slug=page.slug, title=str(page.title), body=str(page.body), position=position
    )


@dataclass(frozen=True)
class PublicSlot:
    """A free initial-consultation time offered on the public form."""

    therapist: Any
    starts_at: dt.datetime
    ends_at: dt.datetime
    start: dt.datetime  # local to the clinic
    end: dt.datetime

    @property
    def value(self) -> str:
        return f"{self.starts_at.astimezone(dt.UTC):%Y%m%dT%H%MZ}-{self.therapist.public_id}"

    @property
    def initials(self) -> str:
        """Only initials on the public page: no staff names shown there."""
        parts = [self.therapist.first_name, self.therapist.last_name]
        return "".join(f"{p[0].upper()}." for p in parts if p) or "—"


def public_slots(clinic: Clinic) -> list[PublicSlot]:
    """The clinic's next free consultation times, when it lets people pick one (else none)."""
    if not booking.scheduling_settings(clinic).public_slot_picking:
        return []
    zone = zoneinfo.ZoneInfo(clinic.time_zone)
    today = timezone.localtime(timezone.now(), zone).date()
    therapists = list(waitlist.therapists(clinic))
    free = booking.free_slots_for(therapists, today, PICK_DAYS)  # one pass for everyone
    found = [
        PublicSlot(
            therapist,
            start,
            end,
            timezone.localtime(start, zone),
            timezone.localtime(end, zone),
        )
        for therapist in therapists
        for start, end in free[therapist.pk]
    ]
    return sorted(found, key=lambda s: (s.starts_at, s.therapist.pk))[:PICK_MAX]


def submit_request(
    request: HttpRequest,
    clinic: Clinic,
    details: dict[str, Any],
    screen: dict[str, int] | None,
    slot: PublicSlot | None = None,
) -> ConsultationRequest:
    """Store a consultation request with its optional self-screen; acknowledge by e-mail.

    The self-screen is a questionnaire response in measures (mode self-screen, the
    request's public id as its subject, dated when the request came in), stored in
    the same transaction. A positive item 9 (whatever the total, even on an otherwise
    unfinished screen) raises its safety alert there, held by the clinic's intake
    coordinators, and marks the request urgent for same-day contact (safety.md §5.1).
    A picked slot is held for the coordinator to confirm; if it was just taken,
    ``booking.SlotTaken`` is raised and nothing is stored.
    """
    with transaction.atomic():
        consultation = ConsultationRequest.objects.create(clinic=clinic, **details)
        if screen:
            record_screen(request, consultation, screen)
        if slot is not None:
            held = booking.book(
                clinic=clinic,
                therapist=slot.therapist,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                kind=Appointment.Kind.CONSULTATION,
                request_id=consultation.public_id,
                by=None,
                status=Appointment.Status.HELD,
            )
            consultation.held_slot_id = held.public_id
            ConsultationRequest.objects.filter(pk=consultation.pk).update(
                held_slot_id=held.public_id
            )
        fields = sorted(details) + (["held_slot"] if slot is not None else [])
        audit.record(request, ratelimit.SUBMITTED, consultation, fields=fields)
        if consultation.email:
            _acknowledge(consultation)
    return consultation


def record_screen(
    request: HttpRequest | None, consultation: ConsultationRequest, screen: dict[str, int]
) -> Response:
    """Store the self-screen as a measures response about the request's person.

    Its safety alerts are raised with it; one marks the request urgent.
    """
    response = measures.record_response(
        clinic=consultation.clinic,
        subject_id=consultation.public_id,
        instrument_code=SCREEN,
        answers=screen,
        mode=Response.Mode.SELF_SCREEN,
        submitted_at=consultation.created_at,
        # Unfinished but with a positive safety answer: stored as incomplete, alerted.
        allow_incomplete=True,
    )
    audit.record(request, "measures.response.self_screened", response, fields=["answers"])
    if response.alerts.exists():
        consultation.urgent = True
        ConsultationRequest.objects.filter(pk=consultation.pk).update(urgent=True)
    return response


def self_screen(consultation: ConsultationRequest) -> Response | None:
    """The request's self-screen: the response measures keeps under its public id, or None."""
    return (
        Response.objects.of_subject(consultation.public_id)
        .filter(clinic_id=consultation.clinic_id, mode=Response.Mode.SELF_SCREEN)
        .order_by("submitted_at", "pk")
        .last()
    )


def _acknowledge(consultation: ConsultationRequest) -> None:
    # No name, concern or score: only that we received it, and the crisis numbers.
    queue_email(
        "intake/emails/request_received",
        to=consultation.email,
        context={
            "clinic_name": consultation.clinic.name,
            "channel": consultation.get_preferred_channel_display(),
            "crisis_resources": consultation.clinic.crisis_resources,
        },
        clinic=consultation.clinic,
    )
