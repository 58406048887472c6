"""One risk record (issue 8 item 4): a session note's risk section and the client's alerts.

The note shows the client's open safety alerts inline in its risk section and
offers to acknowledge each one from the note: the acknowledgement starts from the
note's risk check and detail (nothing typed twice), comes with the safety plan
form, and records the note as where it was acknowledged (``acknowledged_in``) and
where the plan version was made (``made_in``). The safety plan can be updated
from the note too. Signing refuses a note while an alert is open unless it was
acknowledged or the note says why it stays open (``notes.signing_problems``).

With htmx, the acknowledgement opens below the note without leaving it, and the
note's draft keeps autosaving (the request carries the typed risk section, nothing
is written to the note). Without JavaScript, the same button saves the draft and
opens the acknowledgement as a page that returns to the note. ipt uses measures'
forms and services here; measures never imports ipt.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.ipt import notes as service
from rapport.ipt.models import SessionNote
from rapport.ipt.views.base import episode_context
from rapport.ipt.views.notes import get_own_note
from rapport.ipt.views.risk_record import is_htmx, note_url, risk_context
from rapport.measures import alert_sources
from rapport.measures.forms_safety_plan import SafetyPlanForm
from rapport.measures.models import SafetyAlert
from rapport.measures.safety_plans import Person, PlanConflict
from rapport.measures.views.acknowledgement import Acknowledgement, record_plan_written
from rapport.measures.views.alerts import may_acknowledge, trigger_text

PANEL = "ipt/notes/_acknowledge_panel.html"


def _note_and_alert(
    request: HttpRequest, public_id: uuid.UUID, alert_id: uuid.UUID
) -> tuple[SessionNote, SafetyAlert]:
    """The author's note and an alert of the note's client; 404 (or 403) otherwise."""
    note = get_own_note(request, public_id)
    alerts = SafetyAlert.objects.visible_to(request.user, Capability.EDIT_CLINICAL).filter(
        client_id=note.episode.client_id
    )
    alert = get_object_or_404(alerts.select_related("client__clinic", "owner"), public_id=alert_id)
    return note, alert


@requires(Capability.EDIT_CLINICAL)
def note_alert_acknowledge(
    request: HttpRequest, public_id: uuid.UUID, alert_id: uuid.UUID
) -> HttpResponse:
    note, alert = _note_and_alert(request, public_id, alert_id)
    inline = is_htmx(request)
    refusal = _refusal(note, alert)
    if refusal:
        if inline:
            return render(request, "ipt/notes/_acknowledge_closed.html", {"message": refusal})
        messages.info(request, refusal)
        return redirect(note_url(note))
    if not may_acknowledge(request.user, alert):
        raise PermissionDenied
    if request.method == "POST" and "prefill" not in request.POST:
        acknowledgement = Acknowledgement.build(alert, request.POST)
        if acknowledgement.is_valid():
            done = acknowledgement.save(
                request, made_in=note.public_id, acknowledged_in=note.public_id
            )
            if done is not None:
                return _acknowledged(request, note, alert, done, inline=inline)
    else:
        # The risk section as typed (htmx sends the form; nothing is saved) or as saved.
        source = request.POST if request.method == "POST" else None
        suicidality = source.get("suicidality", "") if source else note.suicidality
        detail = source.get("suicidality_detail", "") if source else note.suicidality_detail
        if suicidality not in SessionNote.Suicidality.values:
            suicidality = ""
        initial = service.assessment_from_note(suicidality, detail)
        acknowledgement = Acknowledgement.build(alert, initial=initial)
        acknowledgement.record_view(request)
        if source is None:
            audit.record(request, "ipt.note.viewed", note)
    context = {
        "note": note,
        "trigger": trigger_text(alert),
        "inline": inline,
        **acknowledgement.context(),
    }
    if inline:
        return render(request, PANEL, context)
    return render(
        request,
        "ipt/notes/acknowledge.html",
        episode_context(request, note.episode, "notes", **context),
    )


def _refusal(note: SessionNote, alert: SafetyAlert) -> str:
    if alert.status != SafetyAlert.Status.OPEN:
        return _("This alert has already been acknowledged.")
    if note.is_locked:
        return _(
            "This note is signed: acknowledge the alert from its own page, and add an "
            "addendum to the note if needed."
        )
    return ""


def _acknowledged(
    request: HttpRequest, note: SessionNote, alert: SafetyAlert, done: bool, *, inline: bool
) -> HttpResponse:
    if done and alert_sources.closed_by_action(alert):
        message = alert_sources.action_words(alert).note_done
    elif done:
        message = _("Risk assessment recorded from this note; the alert is acknowledged.")
    else:
        message = _("This alert had already been acknowledged by someone else.")
    if not inline:
        (messages.success if done else messages.info)(request, message)
        return redirect(note_url(note))
    alert.refresh_from_db()
    context = {
        "note": note,
        "alert": alert,
        "message": message,
        **risk_context(request, note, editable=True),
    }
    return render(request, "ipt/notes/_acknowledged.html", context)


@requires(Capability.EDIT_CLINICAL)
def note_safety_plan(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Create, update or review the client's safety plan from a session note."""
    note = get_own_note(request, public_id)
    if note.is_locked:
        messages.info(request, _("This note is signed: update the plan from its own page."))
        return redirect("measures:safety_plan", public_id=note.episode.client.public_id)
    form = SafetyPlanForm(request.POST or None, person=Person.of_client(note.episode.client))
    if request.method == "POST" and form.is_valid():
        try:
            plan = form.save(by=request.user, made_in=note.public_id)
        except PlanConflict as error:
            form.conflict(error)
        else:
            record_plan_written(request, plan, form.current)
            messages.success(
                request,
                _("Safety plan saved as version %(version)s.") % {"version": plan.version},
            )
            return redirect(note_url(note, "note-plan"))
    if request.method == "GET" and form.current is not None:
        audit.record(request, "measures.safety_plan.viewed", form.current)
    context = episode_context(request, note.episode, "notes", note=note, form=form)
    return render(request, "ipt/notes/safety_plan.html", context)
