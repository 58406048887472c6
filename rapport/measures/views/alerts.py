"""Safety alerts: the list, one alert, and its acknowledgement (safety.md §5.1).

Who sees what:

* the client's therapist and the therapist's supervisors see the alert in full
  (the scope of VIEW_CLINICAL);
* clinic admins, who are escalated to but never see clinical content (DESIGN.md),
  see only that an alert exists: severity, therapist, level, times — no client,
  no answer;
* the therapist acknowledges; once the alert has escalated, a supervisor of that
  therapist may too (the on-call role of §5.1 step 3);
* before the person is a client (a self-screen with a consultation request) the
  alert has no client: the clinic's intake coordinators hold it and, with the
  clinic's supervisors, see it in full and may acknowledge it
  (``SafetyAlert.objects.held_by_intake``); admins still see only that it exists.

Every lookup goes through ``SafetyAlert.objects.readable_by`` (or the admin's
``clinic_admin_view``); anything else answers 404.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.clients.models import Client
from rapport.core import audit
from rapport.core.access import Capability, can, second_factor_gate
from rapport.core.fields import without_encrypted
from rapport.core.models import Role
from rapport.measures import alert_sources, instruments, safety, subjects
from rapport.measures.models import AlertNotification, SafetyAlert
from rapport.measures.views.acknowledgement import Acknowledgement

SHOWN_DONE = 50  # acknowledged alerts a page, latest first


def alert_reader(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Past 2FA, and a clinical reader, an intake coordinator or a clinic admin; others 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        gate = second_factor_gate(request)
        if gate is not None:
            return gate
        user = request.user
        if not (can(user, Capability.VIEW_CLINICAL) or is_admin(user) or is_intake(user)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.required_capability = Capability.VIEW_CLINICAL
    return wrapped


def is_admin(user: Any) -> bool:
    return Role.CLINIC_ADMIN in user.roles


def is_intake(user: Any) -> bool:
    return Role.INTAKE_COORDINATOR in user.roles


def _related(queryset: Any) -> Any:
    return queryset.select_related("client__clinic", "owner", "acknowledged_by", "response")


def get_alert(request: HttpRequest, public_id: uuid.UUID) -> tuple[SafetyAlert, bool]:
    """The alert and whether the user may see its clinical content; 404 out of reach."""
    user = request.user
    clinical = _related(SafetyAlert.objects.readable_by(user)).filter(public_id=public_id).first()
    if clinical is not None:
        return clinical, True
    existence = SafetyAlert.objects.clinic_admin_view(user)
    alert = _related(existence).filter(public_id=public_id).first()
    if alert is not None:
        return alert, False
    raise Http404


def may_acknowledge(user: Any, alert: SafetyAlert) -> bool:
    """The client's therapist; once escalated, also a supervisor who oversees the client.

    An alert without a client yet (held by intake): the clinic's intake coordinators
    and its supervisors, whoever holds it in ``SafetyAlert.objects.held_by_intake``.
    """
    if alert.status != SafetyAlert.Status.OPEN:
        return False
    if alert.client_id is None:
        return SafetyAlert.objects.held_by_intake(user).filter(pk=alert.pk).exists()
    if Client.objects.permits(user, Capability.EDIT_CLINICAL, alert.client):
        return True
    return (
        alert.escalation_level > 0
        and Role.SUPERVISOR in user.roles
        and Client.objects.permits(user, Capability.VIEW_CLINICAL, alert.client)
    )


def _subject_link(user: Any, alert: SafetyAlert) -> tuple[str, str] | None:
    """Not a client yet: the page of the person's record (intake's request), if the user may."""
    if alert.client_id is not None:
        return None
    return subjects.link_for(user, alert.subject_id)


def trigger_text(alert: SafetyAlert) -> dict[str, Any]:
    """The instrument, question (its number and wording) and answer as the catalogue words
    them (if it still can). Intake's pages show the number and answer, never the wording.
    An alert from practice or a message: what raised it, in words (alert_sources)."""
    if not alert_sources.is_questionnaire(alert):
        return alert_sources.trigger(alert)
    try:
        instrument = instruments.get(alert.instrument)
        item = instrument.item(alert.item)
    except (KeyError, StopIteration):
        return {
            "instrument": alert.instrument,
            "number": None,
            "question": alert.item,
            "answer": str(alert.value),
        }
    answer = next((o.label for o in item.options if o.value == alert.value), "")
    return {
        "instrument": instrument.short_title,
        "number": instrument.items.index(item) + 1,
        "question": item.text,
        "answer": f"{answer} ({alert.value})" if answer else str(alert.value),
    }


def action_context(alert: SafetyAlert) -> dict[str, Any]:
    """``referral`` when an action closes the alert (not an assessment), and its words."""
    closed_by_action = alert_sources.closed_by_action(alert)
    words = alert_sources.action_words(alert) if closed_by_action else None
    return {"referral": closed_by_action, "action": words}


@alert_reader
def alert_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict[str, Any] = {"clinical": can(user, Capability.VIEW_CLINICAL)}
    if context["clinical"]:
        # Rows show who, severity and times: the risk assessment stays encrypted.
        mine = without_encrypted(
            SafetyAlert.objects.visible_to(user), "client", "owner", "acknowledged_by"
        )
        context["open"] = list(mine.filter(status=SafetyAlert.Status.OPEN))
        done = mine.filter(status=SafetyAlert.Status.ACKNOWLEDGED)
        done = done.order_by("-acknowledged_at", "-pk")
        page = Paginator(done, SHOWN_DONE).get_page(request.GET.get("page"))
        context |= {"done": list(page.object_list), "done_page": page}
    held = without_encrypted(SafetyAlert.objects.held_by_intake(user), "acknowledged_by")
    held = held.order_by("-status", "-created_at", "-pk")  # open first
    held_page = Paginator(held, SHOWN_DONE).get_page(request.GET.get("held"))
    context |= {"held": list(held_page.object_list), "held_page": held_page}
    context["show_held"] = bool(context["held"]) or is_intake(user)
    if is_admin(user):
        context["escalated"] = list(safety.escalated_in_clinic(user.clinic_id))
    audit.record(request, "measures.alert.listed")
    return render(request, "measures/alerts/list.html", context)


@alert_reader
def alert_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    alert, clinical = get_alert(request, public_id)
    audit.record(request, "measures.alert.viewed", alert)
    AlertNotification.objects.filter(
        alert=alert, recipient=request.user, seen_at__isnull=True
    ).update(seen_at=timezone.now())
    context = {
        "alert": alert,
        "clinical": clinical,
        **action_context(alert),
    }
    if clinical:
        context.update(
            trigger=trigger_text(alert),
            notifications=list(alert.notifications.select_related("recipient")),
            can_acknowledge=may_acknowledge(request.user, alert),
            subject_link=_subject_link(request.user, alert),
            source_link=alert_sources.link_for(request.user, alert),
        )
    return render(request, "measures/alerts/detail.html", context)


@alert_reader
def alert_acknowledge(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    alert, clinical = get_alert(request, public_id)
    if alert.status != SafetyAlert.Status.OPEN:
        messages.info(request, _("This alert has already been acknowledged."))
        return redirect("measures:alert", public_id=alert.public_id)
    if not clinical or not may_acknowledge(request.user, alert):
        raise PermissionDenied
    # The assessment and the safety plan it relies on (created, updated or reviewed
    # here, or within the last 7 days), saved together: views/acknowledgement.py.
    acknowledgement = Acknowledgement.build(alert, request.POST or None)
    if request.method == "POST" and acknowledgement.is_valid():
        done = acknowledgement.save(request, made_in=alert.public_id)
        if done is not None:
            if done and alert_sources.closed_by_action(alert):
                messages.success(request, alert_sources.action_words(alert).done)
            elif done:
                messages.success(request, _("Risk assessment recorded; the alert is acknowledged."))
            else:
                messages.info(request, _("This alert has already been acknowledged."))
            return redirect("measures:alert", public_id=alert.public_id)
    if request.method == "GET":
        acknowledgement.record_view(request)
    context = acknowledgement.context() | {"trigger": trigger_text(alert)}
    return render(request, "measures/alerts/acknowledge.html", context)
