"""The safety plan form: on its own page, in an acknowledgement, and from a session note."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from rapport.core.models import User
from rapport.measures import safety_plans
from rapport.measures.models import SafetyPlan
from rapport.measures.safety_plans import CONTENT, STEPS, Person, PlanConflict

MAX_TEXT = 4000
PREFIX = "safety_plan"
HINTS = {
    "warning_signs": _("Thoughts, images, moods, situations or behaviours, in the client's words."),
    "coping_strategies": _("Things the client can do alone: relaxation, physical activity, …"),
    "social_distractions": _("People and places that help without talking about the crisis."),
    "people_to_ask": _("Names and phone numbers of people the client can ask for help."),
    "professionals": _(
        "The therapist, the clinic, local urgent care and crisis lines, with numbers. "
        "A new plan starts from the clinic's crisis resources."
    ),
    "means_safety": _("What the client will do to keep lethal means away, and who helps."),
    "reasons_for_living": _("What matters most to the client, in their words."),
}
STEP_MISSING = _("Fill in this step with the client (write “none yet” if so).")


def _part(name: str) -> forms.CharField:
    return forms.CharField(
        label=SafetyPlan._meta.get_field(name).verbose_name,
        required=name in STEPS,
        strip=False,
        max_length=MAX_TEXT,
        help_text=HINTS[name],
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_TEXT}),
        error_messages={"required": STEP_MISSING},
    )


class SafetyPlanForm(forms.Form):
    """The seven parts of the plan, the version it was based on, and "reviewed, no changes".

    The six steps are required (reasons for living are optional). When nothing changed,
    ticking ``reviewed`` records a review; leaving it unticked is allowed only where
    a recent plan suffices (an acknowledgement, ``allow_unchanged``).
    """

    warning_signs = _part("warning_signs")
    coping_strategies = _part("coping_strategies")
    social_distractions = _part("social_distractions")
    people_to_ask = _part("people_to_ask")
    professionals = _part("professionals")
    means_safety = _part("means_safety")
    reasons_for_living = _part("reasons_for_living")
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    reviewed = forms.BooleanField(
        label=_("I went through this plan with the client today and nothing needs to change"),
        required=False,
    )

    def __init__(
        self,
        data: Any = None,
        *,
        person: Person,
        allow_unchanged: bool = False,
        now: datetime | None = None,
        **kwargs: Any,
    ) -> None:
        self.person = person
        self.current = safety_plans.current(person)
        self.allow_unchanged = allow_unchanged
        self.now = now or timezone.now()
        kwargs.setdefault("prefix", PREFIX)
        initial = (
            safety_plans.content_of(self.current)
            if self.current
            else safety_plans.first_draft(person)
        )
        initial["based_on"] = self.current.version if self.current else 0
        super().__init__(data, initial=initial, **kwargs)
        self.content: dict[str, str] = {}
        self.changed_steps: list[str] = []
        if self.current is None:
            del self.fields["reviewed"]

    @property
    def parts(self) -> list[forms.BoundField]:
        return [self[name] for name in CONTENT]

    # --- what the page says about the current version -------------------------------

    @property
    def is_recent(self) -> bool:
        return safety_plans.is_recent(self.current, self.now)

    @property
    def status(self) -> str:
        plan = self.current
        if plan is None:
            return str(_("There is no safety plan yet: make one with the client."))
        when = formats.date_format(timezone.localtime(plan.created_at), "Y-m-d")
        facts = {"version": plan.version, "change": plan.get_change_display().lower(), "when": when}
        if self.is_recent:
            return str(
                _("Version %(version)s, %(change)s on %(when)s (within the last 7 days).") % facts
            )
        return str(
            _(
                "Version %(version)s, %(change)s on %(when)s: more than 7 days ago, so it needs "
                "a review with the client."
            )
            % facts
        )

    # --- validation ---------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if any(name not in data for name in CONTENT):
            return data
        content = {name: safety_plans.normalised(data[name]) for name in CONTENT}
        self.content = content
        latest = self.current.version if self.current else 0
        if (data.get("based_on") or 0) != latest:
            self.rebase()
            self.add_error(None, conflict_message(self.current))
            return data
        self.changed_steps = safety_plans.changed_steps(self.current, content)
        if self.current is None or self.changed_steps:
            for name in STEPS:
                if not content[name]:
                    self.add_error(name, STEP_MISSING)
        elif not data.get("reviewed") and not (self.allow_unchanged and self.is_recent):
            self.add_error("reviewed", unchanged_message(self.allow_unchanged))
        return data

    def rebase(self) -> None:
        """After a conflict, carry the current version: saving again applies this text."""
        self.data = self.data.copy()
        self.data[self.add_prefix("based_on")] = str(self.current.version if self.current else 0)

    @property
    def adds_version(self) -> bool:
        """Whether saving writes a new version (else the recent current one is relied on)."""
        return bool(self.current is None or self.changed_steps or self.cleaned_data.get("reviewed"))

    def save(self, *, by: User, made_in: uuid.UUID | None = None) -> SafetyPlan:
        """The new version, or the current one when it is recent and nothing changed.

        Raises ``PlanConflict`` (nothing written) when another version won the race.
        """
        if not self.adds_version and self.current is not None:
            return self.current
        return safety_plans.save_version(
            self.person,
            self.content,
            by=by,
            based_on=self.cleaned_data["based_on"] or 0,
            made_in=made_in,
        )

    def conflict(self, error: PlanConflict) -> None:
        """Show a conflict found while saving; the typed text stays in the form."""
        self.current = error.current
        self.rebase()
        self.add_error(None, conflict_message(error.current))


def conflict_message(plan: SafetyPlan | None) -> str:
    if plan is None:
        return str(_("The safety plan changed while you were editing: check it, then save again."))
    return str(
        _(
            "Someone saved a newer version of the safety plan (version %(version)s, by "
            "%(who)s) while you were editing. Your text is still in the form: check the "
            "current plan, then save again to make yours the next version."
        )
        % {"version": plan.version, "who": plan.created_by.get_full_name()}
    )


def unchanged_message(in_acknowledgement: bool) -> str:
    if in_acknowledgement:
        return str(
            _(
                "The plan was last looked at more than 7 days ago: review it with the client, "
                "then change what needs changing or tick that nothing needs to change."
            )
        )
    return str(
        _("Nothing has changed: change a step, or tick that you reviewed it with the client.")
    )
