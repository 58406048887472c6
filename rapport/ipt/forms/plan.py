"""Forms of the client's plan on the staff side: the summary for the client and what a
parent or guardian may see in the portal (IPT-A, §1.8)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.ipt import summaries, variants
from rapport.ipt.models import Episode, Goal

SUMMARY_GUIDANCE = _(
    "Write a few short paragraphs the client will read at home, in the words you use "
    "together: what has been happening in their relationships, how it links to how they "
    "have been feeling, what you agreed to focus on, and what you will work on. Leave out "
    "diagnostic labels, test scores and anything from your own notes they have not heard "
    "from you. Nothing here reaches the client until you approve it. Changing an approved "
    "summary starts a new draft; the client keeps seeing the approved one until you approve "
    "again. Encrypted."
)


class ClientSummaryForm(forms.Form):
    text = forms.CharField(
        label=_("Summary for the client"),
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=SUMMARY_GUIDANCE,
        error_messages={"required": _("Write the summary before saving it.")},
    )
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "summary")
        super().__init__(*args, **kwargs)


class GuardianSharingForm(forms.Form):
    """Which parts of the plan a parent or guardian sees; the rest stays the client's."""

    summary = forms.BooleanField(label=_("The approved summary for the client"), required=False)
    contract = forms.BooleanField(label=_("The treatment contract"), required=False)
    safety_plan = forms.BooleanField(label=_("The safety plan"), required=False)
    goals = forms.MultipleChoiceField(
        label=_("Goals"), required=False, widget=forms.CheckboxSelectMultiple
    )

    FLAGS = {
        "summary": "guardian_sees_summary",
        "contract": "guardian_sees_contract",
        "safety_plan": "guardian_sees_safety_plan",
    }

    def __init__(self, *args: Any, episode: Episode, goals: list[Goal], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "sharing")
        kwargs.setdefault(
            "initial",
            {name: getattr(episode, flag) for name, flag in self.FLAGS.items()}
            | {"goals": [str(g.public_id) for g in goals if g.shared_with_guardian]},
        )
        super().__init__(*args, **kwargs)
        self.fields["goals"].choices = [
            (str(goal.public_id), f"{goal.get_problem_area_display()}: {goal.text}")
            for goal in goals
        ]


def plan_panels(
    episode: Episode,
    *,
    summary_form: ClientSummaryForm | None = None,
    sharing_form: GuardianSharingForm | None = None,
) -> dict[str, Any]:
    """What the formulation page's "summary for the client" and sharing panels show."""
    latest = summaries.latest(episode)
    shown = latest if latest is None or not latest.is_draft else summaries.approved(episode)
    if summary_form is None:
        summary_form = ClientSummaryForm(
            initial={"text": latest.text if latest else "", "seen": summaries.seen_mark(latest)}
        )
    goals = list(episode.goals.all())
    if sharing_form is None:
        sharing_form = GuardianSharingForm(episode=episode, goals=goals)
    shares = any(getattr(episode, flag) for flag in GuardianSharingForm.FLAGS.values())
    return {
        "summary_latest": latest,
        "summary_shown": shown,
        "summary_form": summary_form,
        "sharing_form": sharing_form,
        # IPT-A only (§1.8), or wherever something is already shared.
        "offers_sharing": variants.of(episode).involves_guardians
        or shares
        or any(goal.shared_with_guardian for goal in goals),
    }
