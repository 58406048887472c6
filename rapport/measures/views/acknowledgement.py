"""One acknowledgement: the risk assessment and the safety plan it relies on, saved together.

Used by the alert's own page (views/alerts.py) and, from above, by a session
note (ipt), which passes its opaque id as ``acknowledged_in``. Callers have
already reached the alert through the access layer and checked ``may_acknowledge``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from rapport.core import audit
from rapport.measures import alert_sources, safety, safety_plans
from rapport.measures.forms_alerts import AcknowledgeForm, ReferralForm
from rapport.measures.forms_safety_plan import SafetyPlanForm, unchanged_message
from rapport.measures.models import SafetyAlert, SafetyPlan
from rapport.measures.safety_plans import Person, PlanConflict


def record_plan_written(
    request: HttpRequest, plan: SafetyPlan, previous: SafetyPlan | None
) -> None:
    """Audit a new version: created, updated or reviewed, with field names only."""
    audit.record(
        request,
        f"measures.safety_plan.{plan.change}",
        plan,
        fields=safety_plans.audit_fields(plan, previous),
    )


@dataclass
class Acknowledgement:
    alert: SafetyAlert
    form: AcknowledgeForm
    plan_form: SafetyPlanForm

    @classmethod
    def build(
        cls, alert: SafetyAlert, data: Any = None, *, initial: dict[str, Any] | None = None
    ) -> Acknowledgement | ReferralAcknowledgement:
        """The acknowledgement the alert's source asks for: a medical-risk prompt is
        acknowledged by its referral (variants.md §5.4) and an IPSRT early-warning sign
        by what was done (§4.6); every other alert by a risk assessment with a safety plan."""
        if alert_sources.closed_by_action(alert):
            return ReferralAcknowledgement.build(alert, data)
        return cls(
            alert,
            AcknowledgeForm(data, initial=initial, today=timezone.localdate()),
            SafetyPlanForm(data, person=Person.of_alert(alert), allow_unchanged=True),
        )

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        return self.plan_form.is_valid() and valid  # both, so every error shows at once

    def record_view(self, request: HttpRequest) -> None:
        """Opening the form reads the alert and the current plan (shown in the form)."""
        audit.record(request, "measures.alert.viewed", self.alert)
        if self.plan_form.current is not None:
            audit.record(request, "measures.safety_plan.viewed", self.plan_form.current)

    def save(
        self,
        request: HttpRequest,
        *,
        made_in: uuid.UUID | None = None,
        acknowledged_in: uuid.UUID | None = None,
    ) -> bool | None:
        """Plan version and acknowledgement in one transaction.

        True: acknowledged. False: someone acknowledged it first (the plan version, if
        any, is kept: it is the client's plan either way). None: nothing was written
        and the forms now carry the reason (another plan version won the race).
        """
        previous = self.plan_form.current
        try:
            with transaction.atomic():
                plan = self.plan_form.save(by=request.user, made_in=made_in)
                if plan != previous:
                    record_plan_written(request, plan, previous)
                assessment = self.form.assessment() | {"safety_plan": plan}
                done = safety.acknowledge(
                    self.alert, assessment, by=request.user, acknowledged_in=acknowledged_in
                )
                if done:
                    fields = [*safety.ACK_FIELDS, *(["acknowledged_in"] if acknowledged_in else [])]
                    audit.record(request, "measures.alert.acknowledged", self.alert, fields=fields)
        except PlanConflict as error:
            self.plan_form.conflict(error)
            return None
        except safety.SafetyPlanRequired:  # the plan turned 7 days old since the form was read
            field = "reviewed" if "reviewed" in self.plan_form.fields else None
            self.plan_form.add_error(field, unchanged_message(in_acknowledgement=True))
            return None
        return done

    def context(self) -> dict[str, Any]:
        return {"alert": self.alert, "form": self.form, "plan_form": self.plan_form}


@dataclass
class ReferralAcknowledgement:
    """Acknowledgement by an action: a medical-risk prompt's referral for medical
    assessment, or what was done about an early-warning sign, with a follow-up date."""

    alert: SafetyAlert
    form: ReferralForm
    plan_form: None = None
    referral: bool = True

    @classmethod
    def build(cls, alert: SafetyAlert, data: Any = None) -> ReferralAcknowledgement:
        words = alert_sources.action_words(alert)
        return cls(alert, ReferralForm(data, today=timezone.localdate(), words=words))

    def is_valid(self) -> bool:
        return self.form.is_valid()

    def record_view(self, request: HttpRequest) -> None:
        audit.record(request, "measures.alert.viewed", self.alert)

    def save(
        self,
        request: HttpRequest,
        *,
        made_in: uuid.UUID | None = None,
        acknowledged_in: uuid.UUID | None = None,
    ) -> bool:
        with transaction.atomic():
            done = safety.acknowledge_referral(
                self.alert, self.form.referral(), by=request.user, acknowledged_in=acknowledged_in
            )
            if done:
                fields = [
                    *safety.REFERRAL_FIELDS,
                    *(["acknowledged_in"] if acknowledged_in else []),
                ]
                audit.record(request, "measures.alert.acknowledged", self.alert, fields=fields)
        return done

    def context(self) -> dict[str, Any]:
        return {
            "alert": self.alert,
            "form": self.form,
            "plan_form": None,
            "referral": True,
            "action": alert_sources.action_words(self.alert),
        }
