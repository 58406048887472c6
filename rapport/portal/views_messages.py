"""Secure messages (issue 11 item 8): the client's thread in the portal, and the
therapist's side of it from the client record.

Off unless the clinic turns them on (404 otherwise). The client's own (PORTAL_OWN,
a guardian gets 403); on the staff side only the assigned therapist (EDIT_CLINICAL:
DESIGN.md, intake never sees clinical content). Threads are paged, every read and
write audited, and the bodies encrypted.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rapport.clients.models import Client
from rapport.core import audit, needs_action
from rapport.core.access import Capability, requires
from rapport.core.hooks import client_panel, needs_action_source
from rapport.measures import alert_sources
from rapport.measures.models import SafetyAlert
from rapport.portal import messaging
from rapport.portal.access import portal_client, portal_view
from rapport.portal.forms_messages import MessageForm, ReplyForm
from rapport.portal.models import Message

OWN = Capability.PORTAL_OWN
PER_PAGE = 20


def _page(queryset: Any, request: HttpRequest) -> Any:
    return Paginator(queryset.order_by("-created_at", "-pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )


# --- the client's side ---------------------------------------------------------------


@portal_view(OWN)
def thread(request: HttpRequest) -> HttpResponse:
    client = portal_client(request, OWN)
    if not messaging.enabled(client.clinic):
        raise Http404
    mine = Message.objects.visible_to(request.user, OWN)
    therapist = messaging.therapist_of(client)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and therapist is not None and form.is_valid():
        sent = messaging.send_from_client(request.portal_account, form.cleaned_data["body"])
        audit.record(request, "portal.message.sent", sent.message, fields=["body"])
        return redirect("portal:message_sent", public_id=sent.message.public_id)
    page = _page(mine.select_related("author"), request)
    messaging.mark_read(mine.unread_from_care_team())
    audit.record(request, "portal.messages.viewed", request.portal_account)
    context = {"form": form, "page": page, "therapist": therapist}
    return render(request, "portal/messages/thread.html", context)


@portal_view(OWN)
def message_sent(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The confirmation: crisis resources first when the message matched a risk phrase."""
    client = portal_client(request, OWN)
    if not messaging.enabled(client.clinic):
        raise Http404
    message = get_object_or_404(
        Message.objects.visible_to(request.user, OWN).filter(sender=Message.Sender.CLIENT),
        public_id=public_id,
    )
    return render(request, "portal/messages/sent.html", {"message": message})


# --- the therapist's side ----------------------------------------------------------------


def _client(request: HttpRequest, public_id: uuid.UUID) -> Client:
    clients = Client.objects.visible_to(request.user, Capability.EDIT_CLINICAL)
    return get_object_or_404(clients.select_related("clinic"), public_id=public_id)


@requires(Capability.EDIT_CLINICAL)
def care_thread(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    client = _client(request, public_id)
    if not messaging.enabled(client.clinic):
        raise Http404
    theirs = Message.objects.visible_to(request.user, Capability.EDIT_CLINICAL).filter(
        client=client
    )
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        message = messaging.send_from_care_team(client, request.user, form.cleaned_data["body"])
        audit.record(request, "portal.message.replied", message, fields=["body"])
        needs_action.forget(request)
        flash.success(request, _("Sent. The client is told by e-mail, without the text."))
        return redirect("portal:care_messages", public_id=client.public_id)
    page = _page(theirs.select_related("author"), request)
    if messaging.mark_read(theirs.unread_from_client()):
        needs_action.forget(request)
    audit.record(request, "portal.messages.viewed", client)
    context = {"client": client, "form": form, "page": page}
    return render(request, "portal/messages/care_thread.html", context)


@client_panel(order=14)
def messages_panel(request: HttpRequest, client: Any) -> tuple[str, dict[str, Any]] | None:
    """The client record's link to the thread, with its unread count (therapist only)."""
    if not Client.objects.permits(request.user, Capability.EDIT_CLINICAL, client):
        return None
    if not messaging.enabled_in(client.clinic_id):
        return None
    unread = Message.objects.filter(client=client).unread_from_client().count()
    return "portal/messages/panel.html", {"client": client, "unread": unread}


@needs_action_source
def unread_messages(user: Any) -> list[tuple[str, int, str]]:
    """The navigation's count of clients' messages the therapist has not opened yet."""
    count = Message.objects.visible_to(user, Capability.EDIT_CLINICAL).unread_from_client()
    n = count.count()
    label = ngettext("%(n)d unread message", "%(n)d unread messages", n) % {"n": n}
    return [("messages", n, label)]


@alert_sources.source_link(SafetyAlert.Source.MESSAGE)
def message_link(user: Any, alert: SafetyAlert) -> tuple[str, str] | None:
    if alert.client is None or not Client.objects.permits(
        user, Capability.EDIT_CLINICAL, alert.client
    ):
        return None
    url = reverse("portal:care_messages", args=[alert.client.public_id])
    return url, _("Read the client's messages")
