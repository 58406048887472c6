"""A response, read and corrected (issue 4 item 2: responses are immutable).

A correction is a new response linked through ``corrects``, with a reason; the
original stays on record. Both pages are clinical: the client's therapist and
supervisor read; only the therapist corrects; intake and admin never see answers.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.measures import engine, forms, instruments, services
from rapport.measures.models import Response


def get_response(request: HttpRequest, public_id: uuid.UUID, capability: Capability) -> Response:
    """The response if the user may use ``capability`` on its client; 404 otherwise."""
    queryset = Response.objects.visible_to(request.user, capability).select_related(
        "client",
        "client__clinic",
        "entered_by",
        "corrects",
        "corrected_by__entered_by",
        "completes",
        "completed_by",
    )
    return get_object_or_404(queryset, public_id=public_id)


def answer_rows(response: Response) -> list[dict[str, Any]]:
    """Each item with the answer given, in the instrument's words (values alone if unknown)."""
    instrument = instruments.CATALOGUE.get(response.instrument)
    if instrument is None:
        return [
            {"number": n, "text": key, "value": value, "label": ""}
            for n, (key, value) in enumerate(sorted(response.answers.items()), start=1)
        ]
    rows = []
    for n, item in enumerate(instrument.items, start=1):
        value = response.answers.get(item.key)
        label = next((o.label for o in item.options if o.value == value), "")
        rows.append({"number": n, "text": item.text, "value": value, "label": label})
    return rows


@requires(Capability.VIEW_CLINICAL)
def response_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    response = get_response(request, public_id, Capability.VIEW_CLINICAL)
    audit.record(request, "measures.response.viewed", response)
    correction = getattr(response, "corrected_by", None)
    can_correct = (
        correction is None
        and response.complete  # an incomplete response is completed, not corrected
        and Response.objects.visible_to(request.user, Capability.EDIT_CLINICAL)
        .filter(pk=response.pk)
        .exists()
    )
    context = {
        "response": response,
        "client": response.client,
        "instrument": instruments.CATALOGUE.get(response.instrument),
        "rows": answer_rows(response),
        "correction": correction,
        "can_correct": can_correct,
    }
    return render(request, "measures/administration/response.html", context)


@requires(Capability.EDIT_CLINICAL)
def response_correct(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    original = get_response(request, public_id, Capability.EDIT_CLINICAL)
    if getattr(original, "corrected_by", None) is not None:
        messages.info(request, _("This response is already corrected: correct the correction."))
        return redirect("measures:response", public_id=original.corrected_by.public_id)
    if not original.complete:
        messages.info(request, _("An incomplete response is completed, not corrected."))
        return redirect("measures:response", public_id=original.public_id)
    if original.instrument not in instruments.CATALOGUE:
        messages.error(request, _("This questionnaire is no longer in the catalogue."))
        return redirect("measures:response", public_id=original.public_id)
    code = original.instrument
    form = forms.CorrectionForm(request.POST or None)
    if request.method == "POST":
        built = forms.sections([code], request.POST)
        if form.is_valid() and not forms.has_errors(built):
            correction = _record_correction(request, original, built[0].answers, form)
            if correction is not None:
                messages.success(
                    request, _("Correction recorded; the original is kept, struck through.")
                )
                return redirect("measures:response", public_id=correction.public_id)
    else:
        built = forms.sections([code], initial={code: original.answers})
        audit.record(request, "measures.response.viewed", original)
    context = {
        "original": original,
        "client": original.client,
        "form": form,
        "sections": built,
        "has_errors": forms.has_errors(built),
    }
    return render(request, "measures/administration/correct.html", context)


def _record_correction(
    request: HttpRequest, original: Response, answers: dict[str, int], form: Any
) -> Response | None:
    try:
        correction = services.record_response(
            client=original.client,
            instrument_code=original.instrument,
            answers=answers,
            mode=original.mode,
            entered_by=request.user,
            context_id=original.context_id,
            session_number=original.session_number,
            corrects=original,
            correction_reason=form.cleaned_data["reason"],
        )
    except engine.InvalidAnswers as invalid:  # the form checked; belt and braces
        form.add_error(None, str(invalid))
        return None
    except IntegrityError:  # someone corrected it a moment ago (one correction each)
        form.add_error(None, _("Someone else corrected this response meanwhile: reload it."))
        return None
    audit.record(
        request, "measures.response.corrected", correction, fields=["answers", "correction_reason"]
    )
    return correction
