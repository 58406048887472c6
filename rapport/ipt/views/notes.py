"""Session notes: the list, the phase-aware note page, saving, autosave, signing, addenda."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.core.zones import in_zone, zone_label
from rapport.ipt import catalogue, family, variants
from rapport.ipt import notes as service
from rapport.ipt.catalogue import Phase
from rapport.ipt.forms.notes import AddendumForm, FidelityForm, ReviewForm, SessionNoteForm
from rapport.ipt.models import FidelityRating, SessionNote
from rapport.ipt.models.episodes import SessionAttendance
from rapport.ipt.views.base import EPISODE_TEXT, can_edit, episode_context, get_episode
from rapport.ipt.views.risk_record import next_step, risk_context

SIGNED_FIELDS = ["signed_at", "signed_by", "signed_snapshot", "status"]
NOTES_PER_PAGE = 20


def get_note(
    request: HttpRequest, public_id: uuid.UUID, capability: Capability = Capability.VIEW_CLINICAL
) -> SessionNote:
    """The note if the user may use ``capability`` on its client; 404 otherwise.

    The note's own text is loaded; its episode's and client's is not (no note page
    shows it), so none of that is decrypted.
    """
    queryset = (
        SessionNote.objects.visible_to(request.user, capability)
        .select_related(
            "episode__client__clinic", "episode__therapist", "author", "signed_by", "cosigned_by"
        )
        .defer(*(f"episode__{name}" for name in EPISODE_TEXT))
    )
    return get_object_or_404(queryset, public_id=public_id)


def get_own_note(request: HttpRequest, public_id: uuid.UUID) -> SessionNote:
    """A note the user may write in: their own, on a client they treat.

    Out of reach is 404; readable but not theirs to write (a supervisor) is 403.
    """
    note = get_note(request, public_id, Capability.VIEW_CLINICAL)
    if note.author_id != request.user.pk or not can_edit(request, note.episode):
        raise PermissionDenied
    return note


def saved_time(moment: Any) -> str:
    """ "14:30 EST": the time of day of an autosave, on the reader's clock, the zone named."""
    local = in_zone(moment, timezone.get_current_timezone())
    return f"{formats.time_format(local, 'H:i')} {zone_label(local)}"


# --- the list ---------------------------------------------------------------------------


@requires(Capability.VIEW_CLINICAL)
def note_list(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, without_text=True)
    audit.record(request, "ipt.note.listed", episode)
    # A page of notes without their text, and one aggregate for the whole course:
    # the same queries and no decryption, however many sessions there are.
    page = Paginator(episode.notes.listed(), NOTES_PER_PAGE).get_page(request.GET.get("page"))
    counts = episode.notes.course_counts()
    context = episode_context(
        request,
        episode,
        "notes",
        page=page,
        notes=page.object_list,
        next_number=(counts["last"] or 0) + 1,
        adherence=service.adherence(counts),
        episode_open=episode.status == episode.Status.ACTIVE,
    )
    return render(request, "ipt/notes/list.html", context)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def note_new(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    try:
        note = service.create_next_note(episode, request.user)
    except service.NoteError as error:
        messages.error(request, str(error))
        return redirect("ipt:notes", public_id=episode.public_id)
    audit.record(request, "ipt.note.created", note, fields=["number", "held_on", "phase"])
    return redirect("ipt:note", public_id=note.public_id)


# --- the note page ----------------------------------------------------------------------


def phase_prompts(note: SessionNote, contract: Any) -> dict[str, Any]:
    """What the phase asks of this session (§1.3, §1.7)."""
    episode = note.episode
    definition = variants.of(episode)
    done = set(episode.tasks.filter(done=True).values_list("code", flat=True))
    prompts: dict[str, Any] = {}
    if note.phase == Phase.INITIAL:
        prompts["initial_tasks"] = [
            definition.task_label(task)
            for task in definition.all_initial_tasks()
            if task.code not in done
        ]
    if note.phase == Phase.TERMINATION:
        prompts["termination_tasks"] = [
            definition.task_label(task)
            for task in definition.all_termination_tasks()
            if task.code not in done
        ]
    if contract and note.phase in (Phase.MIDDLE, Phase.TERMINATION):
        # §1.7: raise the ending two to four sessions before it; the contract counts held
        # sessions, so cancelled and missed ones before this note do not count.
        held_before = episode.notes.filter(
            attendance=SessionAttendance.ATTENDED, number__lt=note.number
        ).count()
        remaining = contract.planned_sessions - (held_before + 1)
        low, high = catalogue.TERMINATION_PROMPT_WINDOW
        if low <= remaining <= high:
            prompts["termination_prompt"] = remaining
    return prompts


def focus_areas(episode: Any) -> list[tuple[str, tuple[str, ...]]]:
    """§1.4: the agreed areas and their strategies, shown as prompts for the work."""
    areas = [episode.primary_problem_area, episode.secondary_problem_area]
    return [
        (variants.of(episode).area_label(area), catalogue.PROBLEM_AREA_STRATEGIES[area])
        for area in areas
        if area
    ]


def render_note(
    request: HttpRequest,
    note: SessionNote,
    *,
    form: SessionNoteForm | None = None,
    conflict: list[dict[str, Any]] | None = None,
    review_form: ReviewForm | None = None,
    fidelity_form: FidelityForm | None = None,
    status: int = 200,
) -> HttpResponse:
    episode = note.episode
    context = episode_context(request, episode, "notes")
    is_author = note.author_id == request.user.pk
    editable = context["can_edit"] and is_author and note.status == SessionNote.Status.DRAFT
    if editable and form is None:
        form = SessionNoteForm(instance=note)
    rating = FidelityRating.objects.filter(note=note).first()
    if context["can_edit"] and is_author and fidelity_form is None:
        fidelity_form = FidelityForm(instance=rating)
    if review_form is None and service.may_review(note, request.user):
        review_form = ReviewForm()
    context.update(
        note=note,
        form=form if editable else None,
        conflict=conflict,
        is_author=is_author,
        areas=focus_areas(episode),
        techniques_used=[catalogue.Technique(t).label for t in note.techniques or []],
        addenda=list(note.addenda.select_related("author")),
        reviews=list(note.reviews.select_related("supervisor")),
        rating=rating,
        fidelity_form=fidelity_form,
        review_form=review_form,
        can_add_addendum=context["can_edit"] and note.is_locked,
        # variants.md §2.4: the manual's plan, format and sections for this session.
        **family.note_context(note),
        # safety.md §5.1 step 5: open alerts stay on every note until acknowledged, and
        # the risk section offers to acknowledge them from the note (issue 8 item 4).
        **risk_context(request, note, editable=editable),
        **phase_prompts(note, context["contract"]),
    )
    return render(request, "ipt/notes/note.html", context, status=status)


@requires(Capability.VIEW_CLINICAL)
def note_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    if request.method == "POST":
        return _save(request, get_own_note(request, public_id))
    note = get_note(request, public_id)
    audit.record(request, "ipt.note.viewed", note)
    return render_note(request, note)


def _save(request: HttpRequest, note: SessionNote) -> HttpResponse:
    """The Save button without JavaScript: same versioned save as autosave."""
    if note.is_locked:
        messages.error(request, service.locked_message())
        return render_note(request, note, status=409)
    form = SessionNoteForm(request.POST, instance=note)
    if not form.is_valid():
        return render_note(request, note, form=form)
    try:
        changed = service.save_draft(note, form.cleaned_data["version"], form.note_values)
    except service.Conflict as conflict:
        return _conflict_page(request, note, form, conflict)
    if changed:
        audit.record(request, "ipt.note.saved", note, fields=changed)
    messages.success(request, _("Draft saved."))
    # The risk section's buttons save the draft first, then open what they offer.
    return next_step(note, request.POST.get("then", "")) or redirect(
        "ipt:note", public_id=note.public_id
    )


# --- conflicts ----------------------------------------------------------------------------


def _display(form: Any, name: str, value: Any) -> str:
    if value in (None, "", []):
        return "—"
    choices = dict(getattr(form.fields[name], "choices", []) or [])
    if isinstance(value, list):
        return ", ".join(str(choices.get(item, item)) for item in value)
    if choices:
        return str(choices.get(value, value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _raw(value: Any) -> list[str]:
    """The value as the form's inputs hold it, for "use theirs" in the browser."""
    if value is None:
        return [""]
    if isinstance(value, list):
        return [str(item) for item in value]
    if hasattr(value, "isoformat"):
        return [value.isoformat()]
    return [str(value)]


def conflict_rows(form: Any, current: Any, names: list[str], yours: dict) -> list[dict]:
    """Per field: your text and theirs, both kept (DESIGN.md: never a silent overwrite)."""
    rows = []
    for name in form.conflict_names(names, current):
        theirs = form.stored_value(current, name)
        mine = yours[name] if name in yours else form.cleaned_data.get(name)
        rows.append(
            {
                "name": name,
                "label": form[name].label,
                "input_id": form[name].id_for_label,
                "yours": _display(form, name, mine),
                "theirs": _display(form, name, theirs),
                "theirs_values": json.dumps(_raw(theirs)),
            }
        )
    return rows


def _conflict_page(
    request: HttpRequest, note: SessionNote, form: SessionNoteForm, conflict: service.Conflict
) -> HttpResponse:
    """Your text stays in the form; theirs is shown beside it; saving again resolves."""
    current = conflict.current
    rows = conflict_rows(form, current, conflict.fields, form.note_values)
    data = request.POST.copy()
    data["version"] = str(current.version)
    rebased = SessionNoteForm(data, instance=current)
    rebased.is_valid()
    audit.record(request, "ipt.note.conflict", note, fields=conflict.fields)
    return render_note(request, current, form=rebased, conflict=rows, status=409)


# --- autosave -------------------------------------------------------------------------------


@require_POST
@requires(Capability.EDIT_CLINICAL)
def note_autosave(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Background save of a draft: JSON when saved, the conflict view (HTML) on 409."""
    note = get_own_note(request, public_id)
    if note.is_locked:
        return JsonResponse({"locked": True, "message": service.locked_message()}, status=409)
    form = SessionNoteForm(request.POST, instance=note)
    if not form.is_valid():
        return invalid_response(form)
    try:
        changed = service.save_draft(note, form.cleaned_data["version"], form.note_values)
    except service.Conflict as conflict:
        rows = conflict_rows(form, conflict.current, conflict.fields, form.note_values)
        audit.record(request, "ipt.note.conflict", note, fields=conflict.fields)
        return conflict_fragment(request, rows, conflict.current)
    if changed:
        audit.record(request, "ipt.note.autosaved", note, fields=changed)
    return JsonResponse({"version": note.version, "saved_at": saved_time(note.saved_at)})


def invalid_response(form: Any) -> JsonResponse:
    problems = [
        f"{form[name].label}: {' '.join(errors)}" if name in form.fields else " ".join(errors)
        for name, errors in form.errors.items()
    ]
    return JsonResponse({"message": " ".join(problems)}, status=400)


def conflict_fragment(request: HttpRequest, rows: list[dict], current: Any) -> HttpResponse:
    html = render_to_string(
        "ipt/notes/_conflict.html",
        {"conflict": rows, "theirs_saved_at": current.saved_at},
        request=request,
    )
    response = HttpResponse(html, status=409)
    response["X-Rapport-Version"] = str(current.version)
    return response


# --- signing and addenda ------------------------------------------------------------------


@require_POST
@requires(Capability.EDIT_CLINICAL)
def note_sign(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Save what is in the form, then sign it: one act, so nothing typed is left out."""
    note = get_own_note(request, public_id)
    if note.is_locked:
        messages.error(request, service.locked_message())
        return render_note(request, note, status=409)
    form = SessionNoteForm(request.POST, instance=note)
    if not form.is_valid():
        return render_note(request, note, form=form)
    try:
        changed = service.save_draft(note, form.cleaned_data["version"], form.note_values)
        if changed:
            audit.record(request, "ipt.note.saved", note, fields=changed)
        service.sign(note, request.user)
    except service.Conflict as conflict:
        return _conflict_page(request, note, form, conflict)
    except service.NoteError as error:
        data = request.POST.copy()
        data["version"] = str(note.version)
        form = SessionNoteForm(data, instance=note)
        form.is_valid()
        form.add_error(None, str(error))
        for name, message in error.errors.items():
            form.add_error(name, message)
        return render_note(request, note, form=form)
    audit.record(request, "ipt.note.signed", note, fields=SIGNED_FIELDS)
    if note.status == SessionNote.Status.AWAITING_COSIGN:
        messages.success(request, _("Note signed and sent to your supervisor for co-signature."))
    else:
        messages.success(request, _("Note signed. Later changes are made as addenda."))
    return redirect("ipt:note", public_id=note.public_id)


@requires(Capability.EDIT_CLINICAL)
def addendum_new(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    note = get_note(request, public_id, Capability.EDIT_CLINICAL)
    if not note.is_locked:
        messages.info(request, _("This note is still a draft: edit it directly."))
        return redirect("ipt:note", public_id=note.public_id)
    form = AddendumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        addendum = service.add_addendum(
            note, request.user, form.cleaned_data["reason"], form.cleaned_data["text"]
        )
        audit.record(request, "ipt.addendum.created", addendum, fields=["reason", "text"])
        messages.success(request, _("Addendum added."))
        return redirect("ipt:note", public_id=note.public_id)
    context = episode_context(request, note.episode, "notes", note=note, form=form)
    return render(request, "ipt/notes/addendum.html", context)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def fidelity(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The therapist's self-rating of the session (issue item 8)."""
    note = get_own_note(request, public_id)
    form = FidelityForm(request.POST)
    if not form.is_valid():
        return render_note(request, note, fidelity_form=form)
    changed = service.save_fidelity(note, form.cleaned_data)
    if changed:
        audit.record(request, "ipt.fidelity.saved", note, fields=changed)
    messages.success(request, _("Self-rating saved."))
    return redirect("ipt:note", public_id=note.public_id)
