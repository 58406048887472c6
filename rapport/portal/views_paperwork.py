"""Intake paperwork in the portal: the clinic's documents to read and sign, each
signed with the typed full name and the date, and the signed PDFs to download.

The client signs the exact version shown (its id is in the address); if the clinic
publishes a newer one in between, the signature is refused and the new text shown.
"""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.clients import paperwork
from rapport.clients.models import Client
from rapport.clients.paperwork_models import DocumentSignature, IntakeDocument
from rapport.clients.paperwork_views import pdf_response
from rapport.core import audit
from rapport.core.access import Capability
from rapport.portal.access import portal_client, portal_view
from rapport.portal.due import DueItem, due_source

CAPABILITY = Capability.PORTAL_OWN  # the client's own signature: not a guardian's


class SignForm(forms.Form):
    typed_name = forms.CharField(
        label=gettext_lazy("Type your full name to sign"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    agree = forms.BooleanField(
        label=gettext_lazy("I have read this document and I agree to it."), required=True
    )

    def __init__(self, *args: object, client: Client, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.client = client

    def clean_typed_name(self) -> str:
        typed = " ".join(self.cleaned_data["typed_name"].split())
        if not paperwork.names_match(typed, self.client):
            raise forms.ValidationError(
                _("Type your full name as the clinic has it: %(name)s.")
                % {"name": f"{self.client.given_name} {self.client.family_name}"}
            )
        return typed


@due_source(guardian=False)
def paperwork_due(request: HttpRequest, client: Client) -> list[DueItem]:
    """Each current document the client has not signed (a newer version asks again)."""
    return [
        DueItem(
            label=_("Read and sign: %(title)s") % {"title": status.document.title},
            url=sign_url(status.document),
            kind="paperwork",
        )
        for status in paperwork.statuses(client)
        if status.signature is None
    ]


def sign_url(document: IntakeDocument) -> str:
    return f"{reverse('portal:paperwork_sign')}?{urlencode({'document': document.public_id})}"


def _document(request: HttpRequest, client: Client) -> IntakeDocument | None:
    """The version named in the address (None if none is; a bad or foreign one: 404)."""
    if not request.GET.get("document"):
        return None
    try:
        public_id = uuid.UUID(request.GET["document"])
    except ValueError:
        raise Http404 from None
    return get_object_or_404(IntakeDocument, public_id=public_id, clinic_id=client.clinic_id)


@portal_view(CAPABILITY)
def paperwork_list(request: HttpRequest) -> HttpResponse:
    client = portal_client(request, CAPABILITY)
    statuses = paperwork.statuses(client)
    signed = (
        DocumentSignature.objects.filter(client=client)
        .select_related("document")
        .defer("pdf")
        .order_by("-signed_at", "-pk")
    )
    audit.record(request, "portal.paperwork.viewed", client)
    context = {"client": client, "statuses": statuses, "signed": signed[:20]}
    return render(request, "portal/paperwork/list.html", context)


@portal_view(CAPABILITY)
def paperwork_sign(request: HttpRequest) -> HttpResponse:
    client = portal_client(request, CAPABILITY)
    document = _document(request, client)
    if document is None:
        return redirect("portal:paperwork")
    current = next(d for d in paperwork.current_documents(client.clinic) if d.kind == document.kind)
    if current.pk != document.pk:
        messages.info(request, _("The clinic has updated this document. Here is the new version."))
        return redirect(sign_url(current))
    already = (
        DocumentSignature.objects.filter(client=client, document=document).defer("pdf").first()
    )
    form = SignForm(request.POST or None, client=client)
    if request.method == "POST" and already is None and form.is_valid():
        try:
            signature = paperwork.sign(
                client,
                document,
                typed_name=form.cleaned_data["typed_name"],
                signed_on=timezone.localdate(),
                by=request.user,
            )
        except paperwork.SigningRefused as error:
            messages.error(request, str(error))
            return redirect("portal:paperwork")
        audit.record(
            request,
            "portal.paperwork.signed",
            signature,
            fields=["typed_name", "signed_on", f"{document.kind} v{document.version}"],
        )
        messages.success(
            request,
            _("Thank you: %(title)s is signed. You can download your copy below.")
            % {"title": document.title},
        )
        return redirect("portal:paperwork")
    paragraphs = [p.strip() for p in document.body.split("\n\n") if p.strip()]
    context = {
        "document": document,
        "paragraphs": paragraphs,
        "form": form,
        "already": already,
        "today": timezone.localdate(),
    }
    return render(request, "portal/paperwork/sign.html", context)


@portal_view(CAPABILITY)
def paperwork_pdf(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    client = portal_client(request, CAPABILITY)
    found = get_object_or_404(
        DocumentSignature.objects.filter(client=client).select_related("document"),
        public_id=public_id,
    )
    audit.record(request, "portal.paperwork.downloaded", found)
    return pdf_response(found)
