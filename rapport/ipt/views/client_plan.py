"""The client's plan on the staff side: the summary for the client, its approval, and
what a parent or guardian may see in the portal (IPT-A, §1.8).

The panels sit on the formulation page; these views only take its forms.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.ipt import summaries
from rapport.ipt.forms.plan import ClientSummaryForm, GuardianSharingForm
from rapport.ipt.models import Episode, Goal
from rapport.ipt.views.base import get_episode
from rapport.ipt.views.formulation import _back, _render

SUMMARY_CHANGED = _(
    "Someone changed the summary while you were editing. Your text is still in the form: "
    "check the version shown, then save again."
)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def summary_save(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    form = ClientSummaryForm(request.POST)
    if form.is_valid():
        try:
            draft, changed = summaries.save_draft(
                episode, form.cleaned_data["text"], by=request.user, seen=form.cleaned_data["seen"]
            )
        except summaries.SummaryChanged:
            form = _seen_again(form, episode)
            form.add_error(None, SUMMARY_CHANGED)
        else:
            if changed:
                audit.record(request, "ipt.client_summary.drafted", draft, fields=["text"])
                messages.success(request, _("Draft saved. The client sees it once you approve it."))
            else:
                messages.info(request, _("Nothing changed in the summary."))
            return _back(episode, "client-summary-heading")
    return _render(request, episode, summary_form=form, can_write=True)


def _seen_again(form: ClientSummaryForm, episode: Episode) -> ClientSummaryForm:
    """The typed text, marked as having seen the newest version: saving again applies it."""
    data = form.data.copy()
    data[form.add_prefix("seen")] = summaries.seen_mark(summaries.latest(episode))
    return ClientSummaryForm(data)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def summary_approve(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    try:
        summary = summaries.approve(episode, request.POST.get("summary", ""), by=request.user)
    except summaries.SummaryChanged:
        messages.error(
            request,
            _("The summary changed before you approved it: read the newest draft, then approve."),
        )
    else:
        audit.record(
            request, "ipt.client_summary.approved", summary, fields=["approved_at", "approved_by"]
        )
        messages.success(request, _("Summary approved: the client can read it in the portal."))
    return _back(episode, "client-summary-heading")


@require_POST
@requires(Capability.EDIT_CLINICAL)
def guardian_sharing_save(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    goals = list(episode.goals.select_for_update())
    form = GuardianSharingForm(request.POST, episode=episode, goals=goals)
    if not form.is_valid():
        return _render(request, episode, sharing_form=form, can_write=True)
    changed = [
        flag
        for name, flag in GuardianSharingForm.FLAGS.items()
        if getattr(episode, flag) != form.cleaned_data[name]
    ]
    for name, flag in GuardianSharingForm.FLAGS.items():
        setattr(episode, flag, form.cleaned_data[name])
    # Flags only: the episode's version (its formulation's edit check) is left as it is.
    Episode.objects.filter(pk=episode.pk).update(
        **{flag: getattr(episode, flag) for flag in GuardianSharingForm.FLAGS.values()}
    )
    shared = set(form.cleaned_data["goals"])
    moved = [goal for goal in goals if goal.shared_with_guardian != (str(goal.public_id) in shared)]
    for goal in moved:
        goal.shared_with_guardian = not goal.shared_with_guardian
    Goal.objects.bulk_update(moved, ["shared_with_guardian"])
    if moved:
        changed.append("goal.shared_with_guardian")
    audit.record(request, "ipt.guardian_sharing.updated", episode, fields=changed)
    messages.success(request, _("Saved what the parent or guardian can see."))
    return _back(episode, "sharing-heading")
