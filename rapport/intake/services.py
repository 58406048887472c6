"""Operations of the front door: the clinic's public pages and storing a request."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from rapport.core import audit
from rapport.core.models import Clinic
from rapport.core.outbox import queue_email
from rapport.intake import content, ratelimit
from rapport.intake.models import ConsultationRequest, PublicPage
from rapport.measures import engine, instruments

SCREEN = "phq9"


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


def submit_request(
    request: HttpRequest, clinic: Clinic, details: dict[str, Any], screen: dict[str, int] | None
) -> ConsultationRequest:
    """Store a consultation request, score its optional self-screen, acknowledge by e-mail.

    A positive item 9 (the engine's safety hit, whatever the total) marks it urgent
    for same-day contact (safety.md §5.1).
    """
    result = engine.score(instruments.get(SCREEN), screen) if screen else None
    with transaction.atomic():
        consultation = ConsultationRequest.objects.create(
            clinic=clinic,
            screen_answers=screen or None,
            screen_total=result.total if result else None,
            screen_band=result.band if result else "",
            urgent=bool(result and result.hits),
            **details,
        )
        audit.record(request, ratelimit.SUBMITTED, consultation, fields=sorted(details))
        if consultation.email:
            _acknowledge(consultation)
    return consultation


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
