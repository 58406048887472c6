"""Importing historical scores: choose a file or paste, preview, then import all or nothing.

Who: clinicians who write clinical data (``EDIT_CLINICAL``: a therapist, for their own
clients). A clinic admin or an intake coordinator never sees questionnaire answers
(DESIGN.md's role table), and a preview shows them, so both are refused (403); a
supervisor reads but does not write. Every client is found through the access layer.

Nothing is kept between the preview and the import: the preview page carries the
input back in its form, and the import reads and checks it again from the start.
"""

from __future__ import annotations

import uuid

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.interop.imports import csv_scores
from rapport.interop.imports.checking import Preview
from rapport.interop.imports.commit import CSV, FHIR, KINDS, NotValid, commit, preview
from rapport.measures import instruments
from rapport.measures.models import Response, SafetyAlert

START = "interop/imports/start.html"
PREVIEW = "interop/imports/preview.html"
DONE = "interop/imports/done.html"
LIMIT_MB = csv_scores.MAX_BYTES // (1024 * 1024)


class ImportInput(forms.Form):
    """A file or pasted text (the file wins when both are given)."""

    upload = forms.FileField(label=_("File"), required=False)
    text = forms.CharField(
        label=_("Or paste its contents"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
    )

    def clean(self) -> dict:
        data = super().clean()
        upload = data.get("upload")
        if upload is not None:
            if upload.size > csv_scores.MAX_BYTES:
                raise forms.ValidationError(
                    _("The file is larger than %(mb)s MB: split it.") % {"mb": LIMIT_MB}
                )
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise forms.ValidationError(
                    _("The file is not UTF-8 text: save it as CSV (UTF-8) or JSON and try again.")
                ) from error
        elif len(data.get("text", "").encode()) > csv_scores.MAX_BYTES:
            raise forms.ValidationError(
                _("The text is larger than %(mb)s MB: split it.") % {"mb": LIMIT_MB}
            )
        if not data.get("text", "").strip():
            raise forms.ValidationError(_("Choose a file or paste its contents."))
        return data


class ConfirmImport(forms.Form):
    text = forms.CharField(strip=False, widget=forms.HiddenInput)
    safety_seen = forms.BooleanField(required=False)


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise Http404
    return kind


def _start_forms(
    request: HttpRequest, kind: str | None = None, form: ImportInput | None = None
) -> dict:
    return {
        "csv_form": form if kind == CSV and form else ImportInput(prefix=CSV),
        "fhir_form": form if kind == FHIR and form else ImportInput(prefix=FHIR),
        "columns": csv_scores.TEMPLATE_COLUMNS,
        "max_rows": csv_scores.MAX_ROWS,
    }


@requires(Capability.EDIT_CLINICAL)
def start(request: HttpRequest) -> HttpResponse:
    return render(request, START, _start_forms(request))


@requires(Capability.EDIT_CLINICAL)
def template_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(csv_scores.template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rapport-score-import-template.csv"'
    return response


def _preview_page(
    request: HttpRequest, kind: str, text: str, checked: Preview, **extra: object
) -> HttpResponse:
    again = ImportInput(prefix=kind, initial={"text": text})
    confirm = ConfirmImport(initial={"text": text})
    context = {"kind": kind, "checked": checked, "again": again, "confirm": confirm, **extra}
    return render(request, PREVIEW, context)


@requires(Capability.EDIT_CLINICAL)
def preview_import(request: HttpRequest, kind: str) -> HttpResponse:
    kind = _kind(kind)
    if request.method != "POST":
        return redirect("interop:imports")
    form = ImportInput(request.POST, request.FILES, prefix=kind)
    if not form.is_valid():
        return render(request, START, _start_forms(request, kind, form), status=400)
    text = form.cleaned_data["text"]
    checked = preview(request.user, kind, text)
    audit.record(
        request,
        "interop.import.previewed",
        object_type=f"interop.import.{kind}",
        fields=["valid"] if checked.ok else ["errors"],
    )
    return _preview_page(request, kind, text, checked)


@requires(Capability.EDIT_CLINICAL)
def commit_import(request: HttpRequest, kind: str) -> HttpResponse:
    kind = _kind(kind)
    if request.method != "POST":
        return redirect("interop:imports")
    form = ConfirmImport(request.POST)
    if not form.is_valid():
        return redirect("interop:imports")
    text = form.cleaned_data["text"]
    checked = preview(request.user, kind, text)
    if checked.ok and checked.safety_rows and not form.cleaned_data["safety_seen"]:
        return _preview_page(request, kind, text, checked, safety_unconfirmed=True)
    try:
        outcome = commit(request, kind, text)
    except NotValid as changed:
        return _preview_page(request, kind, text, changed.preview, changed_since=True)
    return redirect("interop:import_done", import_id=outcome.import_id)


@requires(Capability.EDIT_CLINICAL)
def done(request: HttpRequest, import_id: uuid.UUID) -> HttpResponse:
    """What one import stored, for the clinician who may write for those clients."""
    responses = list(
        Response.objects.visible_to(request.user, Capability.EDIT_CLINICAL)
        .filter(import_id=import_id)
        .select_related("client")
        .order_by("client__family_name", "client__given_name", "submitted_at", "pk")
    )
    if not responses:
        raise Http404
    audit.record(
        request, "interop.import.viewed", object_type="interop.import", object_id=str(import_id)
    )
    alerts = SafetyAlert.objects.filter(response__in=responses).count()
    histories = set()
    for response in responses:
        response.title = instruments.get(response.instrument).short_title
        url = reverse(
            "measures:score_history", args=[response.client.public_id, response.instrument]
        )
        histories.add((response.client.display_name, str(response.title), url))
    context = {"responses": responses, "alerts": alerts, "histories": sorted(histories)}
    return render(request, DONE, context)
