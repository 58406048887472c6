"""Staff side of the after-the-course self-check: the dashboard list, the count, two acts.

The therapist sees their clients' positive checks until marked seen, and booster
requests until someone takes them in hand; intake coordinators, who book, see the
booster requests only (a name and a date: no score, no reason). A client with no
active therapist still reaches someone: their positive checks wait on the intake
coordinators' dashboard (the clinic admins' when there is no coordinator), a name and
a date only, until a therapist is assigned. Each list is one query, however many
checks there are (at most ``SHOWN`` rows).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from rapport.core import needs_action
from rapport.core.access import Capability, requires
from rapport.core.fields import without_encrypted
from rapport.core.hooks import dashboard_panel, needs_action_source
from rapport.core.models import Role
from rapport.measures import self_checks
from rapport.measures.models import SelfCheck
from rapport.measures.safety import intake_coordinators

SHOWN = 20
PANEL = "measures/self_checks/dashboard_panel.html"


def for_therapist(user: Any) -> Any:
    """Positive checks not yet seen, and booster requests not yet handled, of my clients."""
    if Role.THERAPIST not in user.roles:
        return SelfCheck.objects.none()
    waiting = Q(seen_at__isnull=True) & ~Q(reasons=[])
    waiting |= Q(booster_requested_at__isnull=False, booster_handled_at__isnull=True)
    return SelfCheck.objects.visible_to(user, Capability.EDIT_CLINICAL).filter(waiting)


def for_intake(user: Any) -> Any:
    """Booster requests not yet handled, in the clinic (intake books them)."""
    if Role.INTAKE_COORDINATOR not in user.roles:
        return SelfCheck.objects.none()
    return SelfCheck.objects.visible_to(user, Capability.EDIT_DEMOGRAPHICS).filter(
        booster_requested_at__isnull=False, booster_handled_at__isnull=True
    )


def for_stand_in(user: Any) -> Any:
    """Checks of clients with no active therapist, for those who stand in for one: positive
    checks not yet seen (intake coordinators; clinic admins when there is no coordinator),
    and booster requests too for those admins (intake already sees every booster request)."""
    unseen = Q(seen_at__isnull=True) & ~Q(reasons=[])
    if Role.INTAKE_COORDINATOR in user.roles:
        waiting = unseen
    elif Role.CLINIC_ADMIN in user.roles and not intake_coordinators(user.clinic).exists():
        waiting = unseen | Q(booster_requested_at__isnull=False, booster_handled_at__isnull=True)
    else:
        return SelfCheck.objects.none()
    found = SelfCheck.objects.visible_to(user, Capability.EDIT_DEMOGRAPHICS).filter(waiting)
    return found.filter(self_checks.without_a_therapist())


REASON_WORDS = {
    self_checks.SAFETY: lambda: _("item 9 (thoughts of self-harm) answered: see the safety alert"),
    self_checks.CASENESS: lambda: _("PHQ-9 at or above caseness"),
    self_checks.WORSENED: lambda: _("reliable worsening since the last score of the course"),
}


def describe(check: SelfCheck) -> dict[str, Any]:
    return {
        "check": check,
        "reasons": [REASON_WORDS[code]() for code in check.reasons if code in REASON_WORDS],
        "unseen": check.positive and check.seen_at is None,
        "booster": check.booster_requested_at is not None and check.booster_handled_at is None,
    }


@dashboard_panel(order=12)
def self_checks_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    user = request.user
    mine = list(
        without_encrypted(for_therapist(user), "client", "response").order_by("-created_at")[:SHOWN]
    )
    unowned = list(
        without_encrypted(for_stand_in(user), "client")
        .exclude(pk__in=[check.pk for check in mine])
        .order_by("created_at")[:SHOWN]
    )
    booking = list(
        without_encrypted(for_intake(user), "client")
        .exclude(pk__in=[check.pk for check in mine + unowned])
        .order_by("booster_requested_at")[:SHOWN]
    )
    if not (mine or unowned or booking):
        return None
    return PANEL, {
        "mine": [describe(check) for check in mine],
        "unowned": [describe(check) for check in unowned],
        "booking": booking,
    }


@needs_action_source
def self_checks_needing_action(user: Any) -> list[tuple[str, int, str]]:
    """One count query for the therapist's own, one for what intake or admins hold."""
    count = for_therapist(user).count()
    if user.roles & {Role.INTAKE_COORDINATOR, Role.CLINIC_ADMIN}:
        others = (for_intake(user) | for_stand_in(user)).distinct()
        count += others.exclude(client__assigned_therapist=user).count()
    label = ngettext(
        "%(n)d check-in after the course to review",
        "%(n)d check-ins after the course to review",
        count,
    ) % {"n": count}
    return [("self_checks", count, label)]


@require_POST
@requires(Capability.EDIT_CLINICAL)
def self_check_seen(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    check = get_object_or_404(
        SelfCheck.objects.visible_to(request.user, Capability.EDIT_CLINICAL), public_id=public_id
    )
    if self_checks.mark_seen(check, request):
        messages.success(request, _("Marked as seen."))
    needs_action.forget(request)
    return redirect("core:dashboard")


@require_POST
@requires(Capability.EDIT_DEMOGRAPHICS)
def booster_handled(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    check = get_object_or_404(
        SelfCheck.objects.visible_to(request.user, Capability.EDIT_DEMOGRAPHICS),
        public_id=public_id,
    )
    if self_checks.mark_booster_handled(check, request):
        messages.success(request, _("The booster request is marked as taken in hand."))
    needs_action.forget(request)
    return redirect("core:dashboard")
