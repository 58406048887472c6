"""The parent-contact log of an episode (variants.md §1.2: ad-hoc parent contacts are
logged; §1.6: date, mode, who initiated, category, whether the young person was told,
summary; never shown to the guardian). Names and summaries are decrypted here, so each
read is audited."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.ipt import family
from rapport.ipt.forms.family import CaregiverContactForm
from rapport.ipt.models import Episode
from rapport.ipt.views.base import episode_context, get_episode


@requires(Capability.VIEW_CLINICAL)
def caregiver_contacts(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The log, newest first and paged, with the form to add a contact (POST)."""
    writing = request.method == "POST"
    capability = Capability.EDIT_CLINICAL if writing else Capability.VIEW_CLINICAL
    episode = get_episode(request, public_id, capability, without_text=True)
    if writing and episode.status != Episode.Status.ACTIVE:
        raise PermissionDenied(_("This episode is closed: its record can no longer be changed."))
    form = CaregiverContactForm(request.POST if writing else None, episode=episode)
    if writing and form.is_valid():
        contact = form.save(commit=False)
        contact.episode = episode
        contact.recorded_by = request.user
        contact.save()
        audit.record(request, "ipt.caregiver_contact.added", episode, fields=form.changed_data)
        messages.success(request, _("Contact recorded in the log."))
        return redirect("ipt:caregiver_contacts", public_id=episode.public_id)
    if not writing:
        audit.record(request, "ipt.caregiver_contacts.viewed", episode)
    page = Paginator(family.contacts(episode), family.CONTACTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = episode_context(
        request,
        episode,
        "participants",
        page=page,
        contacts=page.object_list,
        form=form,
        has_people=episode.participants.exists(),
    )
    return render(request, "ipt/family/contacts.html", context, status=400 if writing else 200)
