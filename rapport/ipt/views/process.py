"""Process notes (HIPAA psychotherapy notes): their author's alone.

Everyone else, the supervisor and the clinic admin included, gets 404, as if the
page did not exist: no capability check answers 403 here, which would betray it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.clients.break_glass import only_through_grant
from rapport.core import audit
from rapport.core.access import Capability, second_factor_gate
from rapport.ipt import notes as service
from rapport.ipt.forms.notes import ProcessNoteForm
from rapport.ipt.models import ProcessNote, SessionNote
from rapport.ipt.views.base import episode_context
from rapport.ipt.views.notes import conflict_fragment, get_note, invalid_response, saved_time


def author_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in past 2FA; who may read is decided by authorship, below (else 404)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        gate = second_factor_gate(request)
        return gate if gate is not None else view(request, *args, **kwargs)

    wrapped.required_capability = Capability.VIEW_CLINICAL
    return wrapped


def authored_note(request: HttpRequest, public_id: uuid.UUID) -> SessionNote:
    note = get_note(request, public_id, Capability.VIEW_CLINICAL)
    if note.author_id != request.user.pk:
        raise Http404
    # Break-glass never opens process notes, not even a former author's own.
    if only_through_grant(request.user, note.episode.client_id):
        raise Http404
    return note


def _context(request: HttpRequest, note: SessionNote, form: ProcessNoteForm, **extra: Any) -> dict:
    return episode_context(request, note.episode, "notes", note=note, form=form, **extra)


@author_only
def process_note(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    note = authored_note(request, public_id)
    own = ProcessNote.objects.authored_by(request.user).filter(note=note).first()
    if request.method == "POST":
        form = ProcessNoteForm(request.POST)
        if form.is_valid():
            try:
                own, changed = service.save_process_note(
                    note, request.user, form.cleaned_data["version"], form.cleaned_data["text"]
                )
            except service.Conflict as conflict:
                return _conflict_page(request, note, form, conflict.current)
            if changed:
                audit.record(request, "ipt.process_note.saved", note, fields=["text"])
            messages.success(request, _("Process note saved."))
            return redirect("ipt:process_note", public_id=note.public_id)
    else:
        form = ProcessNoteForm(
            initial={"text": own.text if own else "", "version": own.version if own else None}
        )
        audit.record(request, "ipt.process_note.viewed", note)
    return render(request, "ipt/notes/process.html", _context(request, note, form))


def _conflict_page(
    request: HttpRequest, note: SessionNote, form: ProcessNoteForm, current: ProcessNote
) -> HttpResponse:
    data = request.POST.copy()
    data["version"] = str(current.version)
    rebased = ProcessNoteForm(data)
    rebased.is_valid()
    rows = _rows(rebased, current, form.cleaned_data["text"])
    context = _context(request, note, rebased, conflict=rows, theirs_saved_at=current.saved_at)
    return render(request, "ipt/notes/process.html", context, status=409)


def _rows(form: ProcessNoteForm, current: ProcessNote, yours: str) -> list[dict]:
    return [
        {
            "name": "text",
            "label": form["text"].label,
            "input_id": form["text"].id_for_label,
            "yours": yours or "—",
            "theirs": current.text or "—",
            "theirs_values": json.dumps([current.text]),
        }
    ]


@require_POST
@author_only
def process_note_autosave(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    note = authored_note(request, public_id)
    form = ProcessNoteForm(request.POST)
    if not form.is_valid():
        return invalid_response(form)
    try:
        own, changed = service.save_process_note(
            note, request.user, form.cleaned_data["version"], form.cleaned_data["text"]
        )
    except service.Conflict as conflict:
        rows = _rows(form, conflict.current, form.cleaned_data["text"])
        return conflict_fragment(request, rows, conflict.current)
    if changed:
        audit.record(request, "ipt.process_note.autosaved", note, fields=["text"])
    return JsonResponse({"version": own.version, "saved_at": saved_time(own.saved_at)})
