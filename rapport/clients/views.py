from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from rapport.clients.forms import ClientDemographicsForm, ClinicalBackgroundForm
from rapport.clients.models import Client
from rapport.core import audit
from rapport.core.access import Capability, can, may_break_glass, requires
from rapport.core.fields import without_encrypted
from rapport.core.hooks import client_detail_sections, client_panels

PAGE_SIZE = 50


def _get_client(
    request: HttpRequest, public_id: uuid.UUID, capability: Capability, *, shown: bool = True
) -> Client:
    """The one way views fetch a client: scoped, so out of reach is a 404.

    ``shown=False`` leaves the encrypted background unread (pages that do not show it).
    """
    queryset = Client.objects.visible_to(request.user, capability)
    if not shown:
        queryset = without_encrypted(queryset, "assigned_therapist")
    else:
        queryset = queryset.select_related("assigned_therapist")
    client = get_object_or_404(queryset, public_id=public_id)
    return Client.objects.permitted(request.user, capability, client)


@requires(Capability.VIEW_CLIENTS)
def client_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    clients = without_encrypted(Client.objects.visible_to(request.user), "assigned_therapist")
    if query:
        clients = clients.search(query)
    page = Paginator(clients, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(request, "clients.client.listed", fields=["search"] if query else [])
    return render(
        request,
        "clients/client_list.html",
        {
            "page": page,
            "query": query,
            "querystring": urlencode({"q": query}) if query else "",
            "can_add": can(request.user, Capability.ADD_CLIENT),
            "can_break_glass": may_break_glass(request.user),
        },
    )


@requires(Capability.ADD_CLIENT)
def client_create(request: HttpRequest) -> HttpResponse:
    client = Client(clinic=request.user.clinic)
    form = ClientDemographicsForm(request.POST or None, instance=client, clinic=client.clinic)
    if request.method == "POST" and form.is_valid():
        client = form.save()
        audit.record(request, "clients.client.created", client, fields=form.changed_data)
        messages.success(request, _("Client record created."))
        return redirect("clients:detail", public_id=client.public_id)
    return render(request, "clients/client_form.html", {"form": form, "creating": True})


@requires(Capability.VIEW_CLIENTS)
def client_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    client = _get_client(request, public_id, Capability.VIEW_CLIENTS, shown=False)
    audit.record(request, "clients.client.viewed", client)
    permits = Client.objects.permits
    return render(
        request,
        "clients/client_detail.html",
        {
            "client": client,
            "can_edit": permits(request.user, Capability.EDIT_DEMOGRAPHICS, client),
            "sections": client_detail_sections(request, client),
        },
    )


@requires(Capability.EDIT_DEMOGRAPHICS)
def client_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    client = _get_client(request, public_id, Capability.EDIT_DEMOGRAPHICS)
    form = ClientDemographicsForm(request.POST or None, instance=client, clinic=client.clinic)
    if (
        request.method == "POST"
        and form.is_valid()
        and form.save_if_current(updated_at=timezone.now())
    ):
        audit.record(request, "clients.client.updated", client, fields=form.changed_data)
        messages.success(request, _("Changes saved."))
        return redirect("clients:detail", public_id=client.public_id)
    return render(request, "clients/client_form.html", {"form": form, "client": client})


@requires(Capability.VIEW_CLINICAL)
def client_clinical(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    client = _get_client(request, public_id, Capability.VIEW_CLINICAL)
    audit.record(request, "clients.background.viewed", client)
    can_edit = Client.objects.permits(request.user, Capability.EDIT_CLINICAL, client)
    return render(
        request,
        "clients/client_clinical.html",
        {"client": client, "can_edit": can_edit, "panels": client_panels(request, client)},
    )


@requires(Capability.EDIT_CLINICAL)
def client_clinical_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    client = _get_client(request, public_id, Capability.EDIT_CLINICAL)
    form = ClinicalBackgroundForm(request.POST or None, instance=client)
    if (
        request.method == "POST"
        and form.is_valid()
        and form.save_if_current(updated_at=timezone.now())
    ):
        audit.record(request, "clients.background.updated", client, fields=form.changed_data)
        messages.success(request, _("Clinical background saved."))
        return redirect("clients:clinical", public_id=client.public_id)
    if request.method == "GET":
        audit.record(request, "clients.background.viewed", client)
    return render(request, "clients/client_clinical_form.html", {"form": form, "client": client})
