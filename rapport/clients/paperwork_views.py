"""Staff side of intake paperwork: clinic admins edit the documents (each edit is a
new version, old ones kept), the client's Details tab shows where each document
stands, and staff who may see the client download a signed PDF.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.clients import paperwork
from rapport.clients.models import Client
from rapport.clients.paperwork_models import DocumentKind, DocumentSignature, IntakeDocument
from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.core.hooks import SettingsSection, client_detail_section, settings_section

VERSIONS_SHOWN = 20


class DocumentForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    body = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=gettext_lazy(
            "Plain text. Leave an empty line between paragraphs. Clients sign exactly "
            "this text; saving publishes a new version and asks every client to sign again."
        ),
    )


def _kind(kind: str) -> str:
    if kind not in DocumentKind.values:
        raise Http404
    return kind


@requires(Capability.MANAGE_CLINIC)
def document_edit(request: HttpRequest, kind: str) -> HttpResponse:
    clinic = request.user.clinic
    kind = _kind(kind)
    current = next(doc for doc in paperwork.current_documents(clinic) if doc.kind == kind)
    form = DocumentForm(
        request.POST or None, initial={"title": current.title, "body": current.body}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["title"] == current.title and data["body"].strip() == current.body.strip():
            messages.info(request, _("Nothing changed: no new version was published."))
            return redirect("clients:paperwork_edit", kind=kind)
        published = paperwork.publish(
            clinic, kind, title=data["title"], body=data["body"].strip(), by=request.user
        )
        audit.record(request, "clients.paperwork.published", published, fields=["title", "body"])
        messages.success(
            request,
            _("Version %(n)d published. Clients will be asked to sign it.")
            % {"n": published.version},
        )
        return redirect("clients:paperwork_edit", kind=kind)
    versions = IntakeDocument.objects.filter(clinic=clinic, kind=kind).select_related("created_by")[
        :VERSIONS_SHOWN
    ]
    context = {"current": current, "form": form, "versions": versions}
    return render(request, "clients/paperwork/edit.html", context)


@requires(Capability.VIEW_CLIENTS)
def signature_pdf(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A signed document, as signed: staff who may see the client."""
    found = get_object_or_404(
        DocumentSignature.objects.filter(
            client__in=Client.objects.visible_to(request.user, Capability.VIEW_CLIENTS)
        ).select_related("client", "document"),
        public_id=public_id,
    )
    audit.record(request, "clients.paperwork.downloaded", found)
    return pdf_response(found)


def pdf_response(signature: DocumentSignature) -> HttpResponse:
    response = HttpResponse(bytes(signature.pdf), content_type="application/pdf")
    name = f"{signature.document.kind}-v{signature.document.version}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@client_detail_section(order=40)
def paperwork_section(request: HttpRequest, client: Any) -> tuple[str, dict[str, Any]]:
    """Where each current document stands for this client (intake follows it up)."""
    return "clients/paperwork/status.html", {"statuses": paperwork.statuses(client)}


# --- Clinic settings: the documents and their versions ---------------------------


def _paperwork_group(request: HttpRequest, data: Any) -> dict[str, Any]:
    documents = paperwork.current_documents(request.user.clinic)
    effects = [
        _("Clients sign these in the portal before their first session.")
        if any(doc.version > 1 or str(paperwork.TEMPLATE_NOTE) not in doc.body for doc in documents)
        else _("These are still the template texts: replace them with the clinic's own."),
    ]
    return {"form": forms.Form(data), "documents": documents, "effects": effects}


def _save_paperwork(request: HttpRequest, context: dict[str, Any]) -> str:
    return _("Choose a document to edit it.")


settings_section(
    SettingsSection(
        key="paperwork",
        title=gettext_lazy("Intake paperwork"),
        order=70,
        build=_paperwork_group,
        save=_save_paperwork,
        template="clients/paperwork/settings_section.html",
    )
)
