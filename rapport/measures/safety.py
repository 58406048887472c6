"""The suicidality workflow (safety.md §5.1): raise, notify, escalate, acknowledge.

A triggering answer becomes a ``SafetyAlert`` in the transaction that stores the
response (services.record_response), owned by the client's assigned therapist,
who is told in the app and by e-mail (no PHI: the e-mail carries only a link).
Until someone acknowledges it with a documented risk assessment, the worker job
in ``escalation.py`` escalates it to the therapist's supervisors and the clinic
admins, again and again. Alerts are never deleted and never closed by a later
negative screen: nothing here closes an alert except ``acknowledge``.

Timing (safety.md §5.1 step 3; clinic settings in ``MeasuresSettings``):

* critical: first escalation ``critical_window_minutes`` (default 60) after the
  answer, then every ``REPEAT[critical]`` (30 minutes);
* urgent ("review today"): first escalation at the end of the clinic's business
  day (``business_day_ends``, default 17:00, in the clinic's time zone); an answer
  arriving at or after that time escalates ``URGENT_AFTER_HOURS`` (1 hour) later,
  because "end of today" has passed and a next-morning review would leave it
  unseen overnight. Then every ``REPEAT[urgent]`` (2 hours). Weekends and holidays
  are not special-cased: escalation continues until someone acknowledges.
* no active therapist (none assigned, deactivated, or no longer a therapist):
  escalated at once, in the same transaction, to supervisors and admins.

Before the person is a client (a self-screen with a consultation request) the
alert has no client and no owner: the clinic's intake coordinators hold it. They
are told at level 0 and the usual timing applies; escalation goes to the clinic's
admins and all its active supervisors. With no active intake coordinator it
escalates at once. At Convert, ``services.adopt`` hands it to the client's
therapist (``hand_over``): still open, same escalation time.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from rapport.clients.models import Client
from rapport.core import audit
from rapport.core.models import Clinic, Role, Supervision, User
from rapport.core.outbox import queue_email
from rapport.measures import alert_sources, safety_plans
from rapport.measures.engine import Result
from rapport.measures.instruments.base import Severity
from rapport.measures.models import AlertNotification, MeasuresSettings, Response, SafetyAlert

logger = logging.getLogger(__name__)

# Between escalations, until acknowledged ([GK] design values; change here, tests follow).
REPEAT: dict[str, timedelta] = {
    Severity.CRITICAL: timedelta(minutes=30),
    Severity.URGENT: timedelta(hours=2),
}
URGENT_AFTER_HOURS = timedelta(hours=1)
IN_APP, EMAIL = "in_app", "email"
OWNER_EMAIL = "measures/emails/alert_raised"
ESCALATION_EMAIL = "measures/emails/alert_escalated"
INTAKE_EMAIL = "measures/emails/alert_intake"


def clinic_settings(clinic: Clinic) -> MeasuresSettings:
    """The clinic's settings row, or the documented defaults when it has none."""
    return MeasuresSettings.objects.filter(clinic=clinic).first() or MeasuresSettings(clinic=clinic)


def raise_alerts(response: Response, result: Result) -> list[SafetyAlert]:
    """One alert per triggering answer, inside the caller's transaction (§5.1 step 2).

    A second positive answer while an earlier alert is open gets its own alert:
    a new answer is new information, never folded silently into an old alert.
    """
    if not result.hits:
        return []
    with transaction.atomic():  # joins record_response's transaction
        return [_raise_one(response, hit.item, hit.value, hit.severity) for hit in result.hits]


def _raise_one(response: Response, item: str, value: int, severity: str) -> SafetyAlert:
    return _open(
        response.clinic,
        response.client,
        {
            "subject_id": response.subject_id,
            "response": response,
            "instrument": response.instrument,
            "item": item,
            "value": value,
            "severity": severity,
        },
        # A remote answer has no staff actor (actor None); in session, the clinician who entered it.
        actor=response.entered_by,
    )


def raise_from_source(
    client: Client, source: str, source_id: uuid.UUID, *, item: str, value: int, severity: str
) -> SafetyAlert:
    """An alert raised by a client's own entry outside a questionnaire (issue 11 items 5, 8).

    ``source`` is ``SafetyAlert.Source.PRACTICE`` or ``MESSAGE`` and ``source_id`` the
    entry's opaque id; ``item`` says what triggered ("mood" with the rating as
    ``value``, or "risk_phrase"). Same owner, notices and escalation as an answer.
    """
    with transaction.atomic():
        fields = {
            "source": source,
            "source_id": source_id,
            "instrument": source,
            "item": item,
            "value": value,
            "severity": severity,
        }
        return _open(client.clinic, client, fields, actor=None)


def _open(
    clinic: Clinic, client: Client | None, fields: dict[str, Any], *, actor: Any
) -> SafetyAlert:
    # Not yet a client: no owner; the clinic's intake coordinators hold it.
    owner = client.assigned_therapist if client is not None else None
    now = timezone.now()
    alert = SafetyAlert.objects.create(
        clinic=clinic,
        client=client,
        owner=owner,
        created_at=now,
        escalate_at=first_escalation(clinic, fields["severity"], now),
        **fields,
    )
    audit.record(
        None,
        "measures.alert.raised",
        alert,
        actor=actor,
        fields=["instrument", "item", "severity", "value"],
    )
    if client is None:
        holders = list(intake_coordinators(clinic))
    else:
        holders = [owner] if is_active_therapist(owner, clinic) else []
    if holders:
        notify(alert, holders, level=0)
    else:
        # No one to own it: never let it wait for a window (§5.1 "what must never happen").
        escalate(alert)
    return alert


def intake_coordinators(clinic: Clinic) -> Any:
    """The clinic's active intake coordinators: who holds an alert raised before a client exists."""
    staff = User.objects.filter(is_active=True, clinic=clinic)
    return staff.filter(staff_roles__role=Role.INTAKE_COORDINATOR).distinct().order_by("pk")


def hand_over(alert: SafetyAlert, owner: User | None, *, by: User | None = None) -> None:
    """An open alert passes to a new owner (at Convert: from intake to the client's therapist).

    It is never closed here, and its escalation time and level stay as they were:
    the clock started with the answer. The new owner is told at level 0; without an
    active therapist it escalates at once, as when an alert is raised.
    """
    still_open = SafetyAlert.objects.filter(pk=alert.pk, status=SafetyAlert.Status.OPEN)
    if not still_open.update(owner=owner):
        return  # acknowledged meanwhile: nothing left to hand over
    alert.owner = owner
    audit.record(None, "measures.alert.handed_over", alert, actor=by, fields=["owner"])
    if is_active_therapist(owner, alert.clinic):
        notify(alert, [owner], level=0)
    else:
        escalate(alert)


def first_escalation(clinic: Clinic, severity: str, now: datetime) -> datetime:
    """When an unacknowledged alert first escalates (see the module docstring)."""
    options = clinic_settings(clinic)
    if severity == Severity.CRITICAL:
        return now + timedelta(minutes=options.critical_window_minutes)
    local = timezone.localtime(now, clinic.zone)
    ends = _as_time(options.business_day_ends)
    closing = datetime.combine(local.date(), ends, tzinfo=clinic.zone)
    return closing if local < closing else now + URGENT_AFTER_HOURS


def _as_time(value: Any) -> Any:
    # An unsaved settings row holds the field default as a string ("17:00").
    if isinstance(value, str):
        return time.fromisoformat(value)
    return value


def is_active_therapist(user: User | None, clinic: Clinic) -> bool:
    return bool(
        user is not None
        and user.is_active
        and user.clinic_id == clinic.pk
        and Role.THERAPIST in user.roles
    )


def escalation_recipients(alert: SafetyAlert) -> list[User]:
    """The owner's active supervisors and the clinic's active admins (§5.1 step 3).

    An alert intake holds (no client yet) has no therapist whose supervisors to
    ask: it goes to the clinic's admins and all its active supervisors.
    Deactivated users are never notified. If nobody is left, every active
    supervisor of the clinic is asked instead, and the gap is logged.
    """
    staff = User.objects.filter(is_active=True, clinic_id=alert.clinic_id)
    supervisors = Q(staff_roles__role=Role.SUPERVISOR)
    if alert.client_id is not None:
        theirs = Supervision.objects.filter(supervisee_id=alert.owner_id).values("supervisor_id")
        supervisors &= Q(pk__in=theirs)
    circle = Q(staff_roles__role=Role.CLINIC_ADMIN) | supervisors
    recipients = list(staff.filter(circle).distinct().order_by("pk"))
    if not recipients:
        logger.warning(
            "safety alert: no active supervisor or admin to escalate to; asking every supervisor",
            extra={"alert": str(alert.public_id)},
        )
        anyone = staff.filter(staff_roles__role=Role.SUPERVISOR).distinct().order_by("pk")
        recipients = list(anyone)
    return recipients


def escalate(alert: SafetyAlert, *, worker: str | None = None) -> bool:
    """One escalation step: next circle told, level raised, next due time set.

    The update is conditional on the level read (and on the worker's claim), so
    however many workers look at the same due time, exactly one step happens;
    False when another got there first or the alert was acknowledged meanwhile.
    """
    next_at = timezone.now() + REPEAT.get(alert.severity, REPEAT[Severity.CRITICAL])
    mine = SafetyAlert.objects.filter(
        pk=alert.pk, status=SafetyAlert.Status.OPEN, escalation_level=alert.escalation_level
    )
    if worker is not None:
        mine = mine.filter(claimed_by=worker)
    changed = mine.update(
        escalation_level=F("escalation_level") + 1,
        escalate_at=next_at,
        claimed_by="",
        claimed_until=None,
    )
    if changed != 1:
        return False
    alert.escalation_level += 1
    alert.escalate_at = next_at
    notify(alert, escalation_recipients(alert), level=alert.escalation_level)
    audit.record(None, "measures.alert.escalated", alert, fields=["escalation_level"])
    return True


def notify(alert: SafetyAlert, recipients: Iterable[User], *, level: int) -> None:
    """In the app and by e-mail (§5.1 step 3: two channels). The e-mail has no PHI."""
    now = timezone.now()
    template = ESCALATION_EMAIL if level else OWNER_EMAIL if alert.client_id else INTAKE_EMAIL
    link = alert_link(alert)
    rows = []
    for user in recipients:
        rows.append(
            AlertNotification(
                alert=alert, recipient=user, level=level, channel=IN_APP, created_at=now
            )
        )
        if user.email:
            # The source kind picks the wording; never the client's words or name.
            context = {"link": link, "source": alert.source}
            queue_email(template, to=user.email, context=context, clinic=alert.clinic)
            rows.append(
                AlertNotification(
                    alert=alert, recipient=user, level=level, channel=EMAIL, created_at=now
                )
            )
    AlertNotification.objects.bulk_create(rows)


def alert_link(alert: SafetyAlert) -> str:
    """The alert page, absolute when the site's address is configured (an opaque id only)."""
    path = reverse("measures:alert", args=[alert.public_id])
    return settings.RAPPORT_BASE_URL + path


def escalated_in_clinic(clinic_id: int) -> Any:
    """Open, escalated alerts as a clinic admin may know them: no client, no answer."""
    return (
        SafetyAlert.objects.filter(
            clinic_id=clinic_id, status=SafetyAlert.Status.OPEN, escalation_level__gt=0
        )
        .select_related("owner")
        .only("public_id", "client_id", "severity", "created_at", "escalation_level", "owner")
    )


# What an acknowledgement writes (the audit log records these names, never their text).
ACK_FIELDS = [
    "ideation",
    "plan",
    "intent",
    "behaviour",
    "risk_factors",
    "protective_factors",
    "risk_level",
    "action_taken",
    "follow_up_on",
    "safety_plan",
]


class SafetyPlanRequired(ValueError):
    """No safety plan created or reviewed in the acknowledgement or in the last 7 days."""


def acknowledge(
    alert: SafetyAlert,
    assessment: dict[str, Any],
    *,
    by: User,
    acknowledged_in: uuid.UUID | None = None,
) -> bool:
    """Record the risk assessment and close the alert (§5.1 step 4); False if already done.

    ``assessment["safety_plan"]`` is the plan version the acknowledgement relies on:
    the alert's person's, created, updated or reviewed within the last 7 days
    (``safety_plans.RECENT``), else ``SafetyPlanRequired`` and nothing changes.
    ``acknowledged_in`` is where it was recorded from (a session note's opaque id).
    The row is re-read under lock so an escalation running at the same moment
    either happens before (and is recorded) or sees the alert acknowledged.
    """
    plan = assessment["safety_plan"]
    if not safety_plans.may_rely_on(plan, alert):
        raise SafetyPlanRequired("a recent safety plan of the alert's person is required")
    values = {name: assessment[name] for name in ACK_FIELDS}
    # The old checkbox's column, kept true to its label for whoever still reads it.
    values["safety_plan_updated"] = plan.change != plan.Change.REVIEWED
    return _close(alert, values, by=by, acknowledged_in=acknowledged_in)


# What acknowledging a medical-risk prompt writes (variants.md §5.4): the referral.
REFERRAL_FIELDS = ["action_taken", "follow_up_on"]


def acknowledge_referral(
    alert: SafetyAlert,
    referral: dict[str, Any],
    *,
    by: User,
    acknowledged_in: uuid.UUID | None = None,
) -> bool:
    """Close an alert acknowledged by an action (``alert_sources.closed_by_action``): a
    medical-risk prompt with its referral, an early-warning sign with what was done, each
    with a follow-up date; False if already done. Not a suicide-risk assessment: a
    positive suicidality answer always has its own alert."""
    if not alert_sources.closed_by_action(alert):
        raise ValueError("only a medical-risk prompt or an early-warning sign is closed this way")
    values = {name: referral[name] for name in REFERRAL_FIELDS}
    return _close(alert, values, by=by, acknowledged_in=acknowledged_in)


def _close(
    alert: SafetyAlert, values: dict[str, Any], *, by: User, acknowledged_in: uuid.UUID | None
) -> bool:
    """The one way an alert is closed (§5.1 step 4). The row is re-read under lock so an
    escalation running at the same moment either happens before or sees it closed."""
    with transaction.atomic():
        current = SafetyAlert.objects.select_for_update().get(pk=alert.pk)
        if current.status != SafetyAlert.Status.OPEN:
            return False
        for name, value in values.items():
            setattr(current, name, value)
        current.acknowledged_in = acknowledged_in
        current.status = SafetyAlert.Status.ACKNOWLEDGED
        current.acknowledged_at = timezone.now()
        current.acknowledged_by = by
        current.escalate_at = None
        current.claimed_by, current.claimed_until = "", None
        current.save()
    return True
