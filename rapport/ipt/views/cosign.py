"""Co-signature of trainees' notes by their supervisor (issue item 7)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.ipt import notes as service
from rapport.ipt.forms.notes import ReviewForm
from rapport.ipt.models import SessionNote
from rapport.ipt.views.notes import get_note, render_note


@requires(Capability.COSIGN_NOTES)
def cosign_queue(request: HttpRequest) -> HttpResponse:
    """Notes of the user's trainees awaiting co-signature, oldest first (one query)."""
    trainees = service.cosigner_links(request.user).values("supervisee_id")
    queue = (
        SessionNote.objects.visible_to(request.user, Capability.COSIGN_NOTES)
        .filter(status=SessionNote.Status.AWAITING_COSIGN, author_id__in=trainees)
        .select_related("episode__client", "author")
        .order_by("signed_at", "pk")
    )
    queue = list(queue)
    audit.record(request, "ipt.cosign_queue.viewed")
    return render(request, "ipt/notes/cosign_queue.html", {"queue": queue})


@require_POST
@requires(Capability.COSIGN_NOTES)
def note_review(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    note = get_note(request, public_id, Capability.COSIGN_NOTES)
    if not service.may_review(note, request.user):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return render_note(request, note, review_form=form)
    comment = form.cleaned_data["comment"]
    try:
        if form.cleaned_data["decision"] == "cosign":
            service.cosign(note, request.user, comment)
            audit.record(
                request, "ipt.note.cosigned", note, fields=["cosigned_at", "cosigned_by", "status"]
            )
            messages.success(request, _("Note co-signed."))
        else:
            service.return_to_author(note, request.user, comment)
            audit.record(request, "ipt.note.returned", note, fields=["comment", "status"])
            messages.success(request, _("Note returned to the trainee with your comments."))
    except service.NoteError as error:
        messages.error(request, str(error))
    return redirect("ipt:cosign_queue")
