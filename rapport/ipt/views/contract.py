"""The treatment contract: the initial agreement, renegotiations, acknowledgement (§1.3, §4)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.ipt import catalogue, services
from rapport.ipt.forms.contract import STALE_CONTRACT, ContractForm, RenegotiationForm
from rapport.ipt.models import Contract, Episode
from rapport.ipt.views.base import episode_context, get_episode


@requires(Capability.VIEW_CLINICAL)
def contract(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id)
    audit.record(request, "ipt.contract.viewed", episode)
    versions = list(episode.contracts.select_related("created_by"))  # newest first
    context = episode_context(request, episode, "contract", versions=versions)
    return render(request, "ipt/contract/contract.html", context)


@requires(Capability.EDIT_CLINICAL)
def contract_create(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    if episode.contracts.exists():
        messages.info(request, _("The contract is already agreed: renegotiate it to change it."))
        return redirect("ipt:contract", public_id=episode.public_id)
    form = None
    if episode.primary_problem_area:
        form = ContractForm(
            request.POST or None, instance=Contract(episode=episode), episode=episode
        )
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            created = services.create_contract(episode, by=request.user, **form.cleaned_data)
        except services.EpisodeError as error:
            form.add_error(None, str(error))
        else:
            audit.record(request, "ipt.contract.created", created, fields=list(form.fields))
            messages.success(request, _("Treatment contract agreed."))
            return redirect("ipt:contract", public_id=episode.public_id)
    if request.method == "GET":
        audit.record(request, "ipt.contract.viewed", episode)
    context = episode_context(request, episode, "contract", form=form)
    return render(request, "ipt/contract/create.html", context)


def _initial_planned(episode: Episode) -> int:
    first = episode.contracts.order_by("version").only("planned_sessions").first()
    return first.planned_sessions if first else 0


@requires(Capability.EDIT_CLINICAL)
def contract_renegotiate(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    current = episode.current_contract
    if current is None:
        messages.info(request, _("Agree the initial contract first."))
        return redirect("ipt:contract_create", public_id=episode.public_id)
    form = RenegotiationForm(
        request.POST or None,
        instance=Contract(episode=episode, start_on=current.start_on),
        episode=episode,
        current=current,
        initial_planned=_initial_planned(episode),
        held=episode.sessions_held(),
    )
    if request.method == "POST" and form.is_valid() and _renegotiate(request, episode, form):
        messages.success(request, _("Contract renegotiated: a new version is in force."))
        return redirect("ipt:contract", public_id=episode.public_id)
    if request.method == "GET":
        audit.record(request, "ipt.contract.viewed", episode)
    context = episode_context(
        request,
        episode,
        "contract",
        form=form,
        current=current,
        max_extension=catalogue.MAX_EXTENSION,
    )
    return render(request, "ipt/contract/renegotiate.html", context)


def _renegotiate(request: HttpRequest, episode: Episode, form: RenegotiationForm) -> bool:
    data = form.cleaned_data
    terms = {name: data[name] for name in form._meta.fields}
    try:
        with transaction.atomic():
            created = services.renegotiate_contract(
                episode,
                based_on=data["based_on"],
                by=request.user,
                kind=data["kind"],
                start_on=form.current.start_on,
                **terms,
            )
    except (services.StaleContract, IntegrityError):
        form.add_error(None, STALE_CONTRACT)
        return False
    changed = [name for name in terms if terms[name] != getattr(form.current, name)]
    audit.record(request, "ipt.contract.renegotiated", created, fields=["kind", *changed])
    return True


@require_POST
@requires(Capability.EDIT_CLINICAL)
def contract_acknowledge(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The client acknowledges the version in force, in person (the portal comes later)."""
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    current = episode.current_contract
    if current is None or str(current.public_id) != request.POST.get("contract"):
        messages.error(
            request,
            _(
                "The contract changed before the acknowledgement was recorded: "
                "check the version in force."
            ),
        )
        return redirect("ipt:contract", public_id=episode.public_id)
    updated = Contract.objects.filter(pk=current.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledged_how=Contract.Acknowledgement.IN_PERSON
    )
    if updated:
        audit.record(
            request,
            "ipt.contract.acknowledged",
            current,
            fields=["acknowledged_at", "acknowledged_how"],
        )
        messages.success(request, _("The client's acknowledgement is recorded."))
    else:
        messages.info(request, _("This version was already acknowledged."))
    return redirect("ipt:contract", public_id=episode.public_id)
