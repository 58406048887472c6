"""The "things are slipping" self-check after the course (issue 11 item 7).

A client who has finished their course takes a PHQ-9 when they choose. It is an
ordinary response (its item 9 raises the usual safety alert, safety.md §5.1); the
``SelfCheck`` beside it says why it needs the therapist's eye:

* "safety": item 9 answered above "not at all" (measures.md §2.2);
* "caseness": total at or above the clinic's PHQ-9 caseness (measures.md §3, ≥10);
* "worsened": total up by at least the clinic's reliable change (measures.md §3,
  reliable deterioration, ≥6) from the last score of the course.

A positive check notifies the therapist in the app (the dashboard and the
navigation's count) and by e-mail with no clinical text. The client may then ask
for a booster session, which reaches the therapist and the intake coordinators
who book it. measures knows no episodes: the caller passes the course's id.

A client with no active therapist (never assigned, or the therapist has left) is
not left waiting: a positive check or a booster request reaches the intake
coordinators, or the clinic admins when there is no coordinator, by e-mail and on
their dashboard, until a therapist is assigned (the check then waits for them).
Staff e-mails are in English, whatever language the client's portal is in.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from rapport.clients.models import Client
from rapport.core import audit
from rapport.core.models import Clinic, Role, User
from rapport.core.outbox import queue_email
from rapport.measures import forms, instruments, outcomes, services
from rapport.measures.models import MeasuresSettings, Response, SelfCheck
from rapport.measures.safety import intake_coordinators, is_active_therapist

CODE = "phq9"
SAFETY, CASENESS, WORSENED = "safety", "caseness", "worsened"
CHECK_EMAIL = "measures/emails/self_check"
BOOSTER_EMAIL = "measures/emails/booster_request"
UNOWNED_EMAIL = "measures/emails/self_check_unowned"


def last_score(client: Client, context_id: uuid.UUID | None) -> Response | None:
    """The course's last complete PHQ-9 in force (None: no course, or no score in it)."""
    if context_id is None:
        return None
    scores = Response.objects.filter(
        client=client,
        context_id=context_id,
        instrument=CODE,
        complete=True,
        total__isnull=False,
        corrected_by__isnull=True,
    )
    return scores.order_by("-submitted_at", "-pk").first()


def reasons(response: Response, compared_with: Response | None) -> list[str]:
    """Why a self-check needs the therapist (empty: it does not)."""
    found = []
    if response.alerts.exists():
        found.append(SAFETY)
    if response.complete and response.total is not None:
        row = MeasuresSettings.objects.filter(clinic_id=response.clinic_id).first()
        limits = outcomes.thresholds(instruments.get(CODE), row)
        if limits.caseness is not None and response.total >= limits.caseness:
            found.append(CASENESS)
        if (
            compared_with is not None
            and limits.reliable_change is not None
            and response.total - compared_with.total >= limits.reliable_change
        ):
            found.append(WORSENED)
    return found


@transaction.atomic
def record(
    client: Client,
    section: forms.Section,
    *,
    course_id: uuid.UUID | None,
    context_id: uuid.UUID | None,
    request: Any,
) -> SelfCheck:
    """Store the PHQ-9 (complete, or incomplete with a safety answer) and its check.

    ``course_id``: the finished course whose last score it is compared with;
    ``context_id``: the episode it belongs to now (a maintenance episode), if any.
    """
    response = services.record_response(
        client=client,
        instrument_code=CODE,
        answers=section.answers,
        mode=Response.Mode.PORTAL,
        context_id=context_id,
        allow_incomplete=True,
    )
    audit.record(request, "measures.response.submitted_in_portal", response, fields=["answers"])
    compared_with = last_score(client, course_id)
    # One e-mail until the therapist has looked: later checks join the same list.
    waiting = SelfCheck.objects.filter(client=client, seen_at__isnull=True).exclude(reasons=[])
    already_told = waiting.exists()
    check = SelfCheck.objects.create(
        client=client,
        response=response,
        compared_with=compared_with,
        reasons=reasons(response, compared_with),
        created_at=timezone.now(),
    )
    audit.record(request, "measures.self_check.taken", check, fields=["reasons"])
    if check.positive and not already_told:
        _tell(check, CHECK_EMAIL, with_intake=False)
    return check


def request_booster(check: SelfCheck, request: Any) -> bool:
    """The client asks for a booster session; False if already asked on this check."""
    now = timezone.now()
    asked = SelfCheck.objects.filter(pk=check.pk, booster_requested_at__isnull=True)
    if not asked.update(booster_requested_at=now):
        return False
    check.booster_requested_at = now
    audit.record(request, "measures.self_check.booster_requested", check)
    _tell(check, BOOSTER_EMAIL, with_intake=True)
    return True


def mark_seen(check: SelfCheck, request: Any) -> bool:
    """The therapist has looked at the check (it leaves their list and count)."""
    now = timezone.now()
    done = SelfCheck.objects.filter(pk=check.pk, seen_at__isnull=True).update(
        seen_at=now, seen_by=request.user
    )
    if done:
        audit.record(request, "measures.self_check.seen", check, fields=["seen_at"])
    return bool(done)


def mark_booster_handled(check: SelfCheck, request: Any) -> bool:
    """Someone has taken the booster request in hand (booked, or called the client)."""
    now = timezone.now()
    waiting = SelfCheck.objects.filter(
        pk=check.pk, booster_requested_at__isnull=False, booster_handled_at__isnull=True
    )
    done = waiting.update(booster_handled_at=now, booster_handled_by=request.user)
    if done:
        audit.record(request, "measures.self_check.booster_handled", check)
    return bool(done)


def without_a_therapist() -> Q:
    """Checks of clients with no active therapist assigned (as a ``SelfCheck`` filter)."""
    therapists = User.objects.filter(is_active=True, staff_roles__role=Role.THERAPIST)
    return ~Q(client__assigned_therapist__in=therapists)


def stand_ins(clinic: Clinic) -> list[User]:
    """Who acts for a client with no therapist: intake coordinators, else clinic admins."""
    coordinators = list(intake_coordinators(clinic))
    if coordinators:
        return coordinators
    admins = User.objects.filter(is_active=True, clinic=clinic, staff_roles__role=Role.CLINIC_ADMIN)
    return list(admins.distinct().order_by("pk"))


def _tell(check: SelfCheck, template: str, *, with_intake: bool) -> None:
    """E-mail (no name, no score: a link to the dashboard) the therapist, and intake;
    without an active therapist, the people who stand in for one."""
    client = check.client
    therapist = client.assigned_therapist
    owned = is_active_therapist(therapist, client.clinic)
    others = list(intake_coordinators(client.clinic)) if with_intake else []
    if owned:
        told = [(therapist, template)] + [(user, template) for user in others if user != therapist]
    else:
        others += [user for user in stand_ins(client.clinic) if user not in others]
        told = [(user, template if with_intake else UNOWNED_EMAIL) for user in others]
    link = settings.RAPPORT_BASE_URL + reverse("core:dashboard")
    with translation.override(settings.LANGUAGE_CODE):
        for user, chosen in told:
            if user.email:
                queue_email(chosen, to=user.email, context={"link": link}, clinic=client.clinic)
