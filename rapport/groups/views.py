"""Group IPT pages: the facilitator's group view and the group session note (§3.4).

Every page reaches its group through ``TherapyGroup.objects.visible_to``: the group's
facilitators, and read-only their supervisors. A member's own therapist who does not
facilitate reads the member's part in the member's record (``ipt:note``), never here.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import audit
from rapport.core.access import Capability, can, requires
from rapport.groups import services
from rapport.groups.forms import (
    AddendumForm,
    BookingForm,
    GroupForm,
    GroupNoteForm,
    LeaveForm,
    MeetingForm,
    MemberForm,
)
from rapport.groups.models import GroupSession, IndividualMeeting, Membership, TherapyGroup
from rapport.ipt import notes
from rapport.ipt.views.base import EPISODE_TEXT
from rapport.ipt.views.notes import conflict_fragment, invalid_response, saved_time
from rapport.measures.models import Response, SafetyAlert

GROUPS_PER_PAGE = 20


def get_group(
    request: HttpRequest, public_id: uuid.UUID, capability: Capability = Capability.VIEW_CLINICAL
) -> TherapyGroup:
    queryset = TherapyGroup.objects.visible_to(request.user, capability)
    return get_object_or_404(queryset, public_id=public_id)


def get_session(
    request: HttpRequest, public_id: uuid.UUID, capability: Capability = Capability.VIEW_CLINICAL
) -> GroupSession:
    groups = TherapyGroup.objects.visible_to(request.user, capability)
    queryset = GroupSession.objects.filter(group__in=groups).select_related(
        "group", "author", "signed_by"
    )
    return get_object_or_404(queryset, public_id=public_id)


def get_membership(
    request: HttpRequest, public_id: uuid.UUID, capability: Capability = Capability.VIEW_CLINICAL
) -> Membership:
    groups = TherapyGroup.objects.visible_to(request.user, capability)
    queryset = Membership.objects.filter(group__in=groups).select_related(
        "group", "episode__client", "episode__therapist"
    )
    return get_object_or_404(queryset, public_id=public_id)


def may_edit(request: HttpRequest, group: TherapyGroup) -> bool:
    """A facilitator (supervisors read only)."""
    visible = TherapyGroup.objects.visible_to(request.user, Capability.EDIT_CLINICAL)
    return group.status != TherapyGroup.Status.ENDED and visible.filter(pk=group.pk).exists()


# --- the list and a new group ---------------------------------------------------------


@requires(Capability.VIEW_CLINICAL)
def group_list(request: HttpRequest) -> HttpResponse:
    groups = (
        TherapyGroup.objects.visible_to(request.user)
        .annotate(size=Count("members"))
        .order_by("name", "pk")
    )
    page = Paginator(groups, GROUPS_PER_PAGE).get_page(request.GET.get("page"))
    audit.record(request, "groups.group.listed", object_type="groups.therapygroup")
    context = {
        "page": page,
        "groups": page.object_list,
        "can_create": can(request.user, Capability.EDIT_CLINICAL),
    }
    return render(request, "groups/list.html", context)


@requires(Capability.EDIT_CLINICAL)
def group_create(request: HttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        group = services.create_group(
            name=form.cleaned_data["name"],
            variant=form.cleaned_data["variant"],
            modality=form.cleaned_data["modality"],
            by=request.user,
            co_facilitator=form.cleaned_data["co_facilitator"],
        )
        audit.record(request, "groups.group.created", group, fields=["name", "variant"])
        messages.success(request, _("Group created. Add its members next."))
        return redirect("groups:detail", public_id=group.public_id)
    formats = services.group_formats()
    status = 400 if form.is_bound else 200
    return render(request, "groups/create.html", {"form": form, "formats": formats}, status=status)


# --- the group view --------------------------------------------------------------------


def _members(group: TherapyGroup, instrument: str) -> list[Membership]:
    """Members with their latest score and open alerts: three queries for any size."""
    latest = Response.objects.filter(
        client=OuterRef("episode__client"), instrument=instrument, complete=True
    ).order_by("-submitted_at")
    members = list(
        group.members.select_related("episode__client", "episode__therapist")
        .defer("exit_reason", *(f"episode__{name}" for name in EPISODE_TEXT))
        .annotate(
            latest_total=Subquery(latest.values("total")[:1]),
            latest_band=Subquery(latest.values("band")[:1]),
        )
    )
    open_alerts = dict(
        SafetyAlert.objects.filter(
            client__in=[m.episode.client_id for m in members], status=SafetyAlert.Status.OPEN
        )
        .values_list("client_id")
        .annotate(n=Count("pk"))
    )
    for member in members:
        member.open_alerts = open_alerts.get(member.episode.client_id, 0)
    return members


def _detail_context(request: HttpRequest, group: TherapyGroup, **extra: Any) -> dict[str, Any]:
    definition = services.definition(group)
    instrument = definition.measures[0].instrument if definition.measures else ""
    members = _members(group, instrument)
    editable = may_edit(request, group)
    sessions = list(group.sessions.only(*services.SESSION_LISTED).order_by("number"))
    upcoming = [s for s in sessions if s.starts_at and s.starts_at >= timezone.now()]
    meetings: dict[int, list[dict[str, Any]]] = {}
    kinds = dict(IndividualMeeting.Kind.choices)
    found = IndividualMeeting.objects.filter(membership__group=group).order_by("created_at")
    for row in found.values("membership_id", "kind", "note__held_on"):
        row["label"] = kinds[row["kind"]]
        meetings.setdefault(row["membership_id"], []).append(row)
    for member in members:
        member.meeting_rows = meetings.get(member.pk, [])
    return {
        "group": group,
        "definition": definition,
        "facilitators": list(group.facilitators.select_related("user")),
        "members": members,
        "grid": services.attendance_grid(group, members),
        "sessions": sessions,
        "noted": [s for s in sessions if s.status != GroupSession.Status.PLANNED],
        "next_session": upcoming[0] if upcoming else None,
        "can_edit": editable,
        "member_form": extra.pop("member_form", None)
        or (MemberForm(user=request.user, group=group) if editable else None),
        "booking_form": extra.pop("booking_form", None)
        or BookingForm(initial={"minutes": definition.session_minutes}),
        **extra,
    }


@requires(Capability.VIEW_CLINICAL)
def group_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    group = get_group(request, public_id)
    audit.record(request, "groups.group.viewed", group)
    return render(request, "groups/detail.html", _detail_context(request, group))


@require_POST
@requires(Capability.EDIT_CLINICAL)
def member_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    group = get_group(request, public_id, Capability.EDIT_CLINICAL)
    form = MemberForm(request.POST, user=request.user, group=group)
    if form.is_valid():
        try:
            member = services.add_member(group, form.cleaned_data["episode"], request.user)
        except services.GroupError as error:
            form.add_error("episode", str(error))
        else:
            audit.record(request, "groups.member.added", member, fields=["episode"])
            messages.success(request, _("Member %(code)s added.") % {"code": member.code})
            return redirect("groups:detail", public_id=group.public_id)
    context = _detail_context(request, group, member_form=form)
    return render(request, "groups/detail.html", context, status=400)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def book(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    group = get_group(request, public_id, Capability.EDIT_CLINICAL)
    form = BookingForm(request.POST)
    if form.is_valid():
        try:
            booked = services.book_series(
                group,
                by=request.user,
                first=form.cleaned_data["first"],
                at=form.cleaned_data["at"],
                zone=group.clinic.time_zone,
                minutes=form.cleaned_data["minutes"],
            )
        except services.GroupError as error:
            form.add_error(None, str(error))
        else:
            audit.record(request, "groups.series.booked", group, fields=["sessions"])
            messages.success(
                request,
                _("%(n)d group sessions booked, one appointment for each member.")
                % {"n": len(booked.sessions)},
            )
            for when in booked.conflicts:
                messages.warning(
                    request,
                    _("Not booked, the lead facilitator is busy: %(when)s.")
                    % {"when": timezone.localtime(when).strftime("%Y-%m-%d %H:%M")},
                )
            return redirect("groups:detail", public_id=group.public_id)
    context = _detail_context(request, group, booking_form=form)
    return render(request, "groups/detail.html", context, status=400)


# --- individual meetings ------------------------------------------------------------------


@requires(Capability.EDIT_CLINICAL)
def meeting(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Record a member's pre-group (or mid/post) meeting, signed into their record."""
    member = get_membership(request, public_id, Capability.EDIT_CLINICAL)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            found = services.record_meeting(
                member,
                request.user,
                form.cleaned_data["kind"],
                form.note_values,
                form.cleaned_data["held_on"] if form.cleaned_data["agreement_signed"] else None,
            )
        except (services.GroupError, notes.NoteError) as error:
            form.add_error(None, str(error))
            for name, message in getattr(error, "errors", {}).items():
                form.add_error(name if name in form.fields else None, message)
        else:
            audit.record(request, "groups.meeting.recorded", member, fields=["kind"])
            audit.record(request, "ipt.note.signed", found.note, fields=list(form.note_values))
            messages.success(request, _("Meeting recorded and signed in the member's record."))
            return redirect("groups:detail", public_id=member.group.public_id)
    status = 400 if form.is_bound else 200
    if not form.is_bound:
        audit.record(request, "groups.member.viewed", member)
    context = {"member": member, "form": form, "leave_form": LeaveForm()}
    return render(request, "groups/meeting.html", context, status=status)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def member_leave(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """§3.4: the member leaves the group, with the reason (encrypted)."""
    member = get_membership(request, public_id, Capability.EDIT_CLINICAL)
    form = LeaveForm(request.POST)
    if form.is_valid():
        services.leave(member, form.cleaned_data["reason"])
        audit.record(request, "groups.member.left", member, fields=["status", "exit_reason"])
        messages.success(request, _("%(code)s has left the group.") % {"code": member.code})
        return redirect("groups:detail", public_id=member.group.public_id)
    context = {"member": member, "form": MeetingForm(), "leave_form": form}
    return render(request, "groups/meeting.html", context, status=400)


# --- the group note -------------------------------------------------------------------------


@require_POST
@requires(Capability.EDIT_CLINICAL)
def session_start(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    group = get_group(request, public_id, Capability.EDIT_CLINICAL)
    if not services.active_members(group).exists():
        messages.error(request, _("Add the members before writing a group note."))
        return redirect("groups:detail", public_id=group.public_id)
    session = services.next_unnoted(group)
    try:
        session = services.start_note(session, request.user)
    except notes.NoteError as error:
        messages.error(request, str(error))
        return redirect("groups:detail", public_id=group.public_id)
    audit.record(request, "groups.note.started", session, fields=["number"])
    for entry in services.entries(session):
        audit.record(request, "ipt.note.created", entry.note, fields=["number", "phase"])
    return redirect("groups:session", public_id=session.public_id)


def _audit_member_parts(request: HttpRequest, action: str, rows: list[Any], names: Any) -> None:
    """Each member's part is that member's clinical data: one event in their trail each."""
    for entry in rows:
        if names is None:
            audit.record(request, action, entry.note)
            continue
        prefix = f"{entry.membership.code}-"
        fields = [n.removeprefix(prefix) for n in names if n.startswith(prefix)]
        if fields:
            audit.record(request, action, entry.note, fields=fields)


def render_note(
    request: HttpRequest,
    session: GroupSession,
    *,
    form: GroupNoteForm | None = None,
    conflict: list[dict[str, Any]] | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = services.entries(session)
    editable = may_edit(request, session.group) and session.status == GroupSession.Status.DRAFT
    if editable and form is None:
        form = GroupNoteForm(session=session, rows=rows)
    member_addenda = {entry.pk: list(entry.note.addenda.select_related("author")) for entry in rows}
    context = {
        "session": session,
        "group": session.group,
        "rows": [(entry, member_addenda[entry.pk]) for entry in rows],
        "form": form if editable else None,
        "conflict": conflict,
        "shared_addenda": list(session.addenda.select_related("author")),
        "can_add_addendum": may_edit(request, session.group) and session.is_locked,
        "techniques_used": [
            label
            for code, label in services.definition(session.group).technique_choices()
            if code in (session.techniques or [])
        ],
    }
    return render(request, "groups/session.html", context, status=status)


@requires(Capability.VIEW_CLINICAL)
def session_note(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    if request.method == "POST":
        return _save(request, get_session(request, public_id, Capability.EDIT_CLINICAL))
    session = get_session(request, public_id)
    audit.record(request, "groups.note.viewed", session)
    _audit_member_parts(request, "groups.member_part.viewed", services.entries(session), None)
    return render_note(request, session)


def _bound(request: HttpRequest, session: GroupSession) -> GroupNoteForm:
    return GroupNoteForm(request.POST, session=session, rows=services.entries(session))


def _record_saved(
    request: HttpRequest, session: GroupSession, changed: list[str], how: str
) -> None:
    if not changed:
        return
    audit.record(request, f"groups.note.{how}", session, fields=changed)
    _audit_member_parts(request, "groups.member_part.saved", services.entries(session), changed)


def _save(request: HttpRequest, session: GroupSession) -> HttpResponse:
    """The Save button without JavaScript: the same versioned save as autosave."""
    if session.is_locked:
        messages.error(request, notes.locked_message())
        return render_note(request, session, status=409)
    form = _bound(request, session)
    if not form.is_valid():
        return render_note(request, session, form=form, status=400)
    try:
        changed = services.save_draft(
            session, form.cleaned_data["version"], form.shared_values, form.member_values
        )
    except services.Conflict as conflict:
        return _conflict_page(request, session, form, conflict)
    except notes.NoteLocked as locked:  # a member's part was signed on its own page
        messages.error(request, str(locked))
        return render_note(request, session, form=form, status=409)
    _record_saved(request, session, changed, "saved")
    messages.success(request, _("Draft saved."))
    return redirect("groups:session", public_id=session.public_id)


def conflict_rows(form: GroupNoteForm, current: GroupSession, names: list[str]) -> list[dict]:
    """Per field: your text and theirs (DESIGN.md: never a silent overwrite)."""
    import json

    theirs_form = GroupNoteForm(session=current, rows=services.entries(current))
    rows = []
    for name in names:
        if name not in form.fields:  # a member's date follows the shared one
            continue
        theirs = theirs_form.initial.get(name)
        yours = form.data.getlist(name) if name == "techniques" else form.data.get(name, "")
        rows.append(
            {
                "name": name,
                "label": form[name].label,
                "input_id": form[name].id_for_label,
                "yours": ", ".join(yours) if isinstance(yours, list) else str(yours or "—"),
                "theirs": str(theirs if theirs not in (None, "", []) else "—"),
                "theirs_values": json.dumps(
                    [str(v) for v in theirs] if isinstance(theirs, list) else [str(theirs or "")]
                ),
            }
        )
    return rows


def _conflict_page(
    request: HttpRequest, session: GroupSession, form: GroupNoteForm, conflict: services.Conflict
) -> HttpResponse:
    current = conflict.current
    rows = conflict_rows(form, current, conflict.fields)
    data = request.POST.copy()
    data["version"] = str(current.version)
    rebased = GroupNoteForm(data, session=current, rows=services.entries(current))
    rebased.is_valid()
    audit.record(request, "groups.note.conflict", session, fields=conflict.fields)
    return render_note(request, current, form=rebased, conflict=rows, status=409)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def session_autosave(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    session = get_session(request, public_id, Capability.EDIT_CLINICAL)
    if session.is_locked:
        return JsonResponse({"locked": True, "message": notes.locked_message()}, status=409)
    form = _bound(request, session)
    if not form.is_valid():
        return invalid_response(form)
    try:
        changed = services.save_draft(
            session, form.cleaned_data["version"], form.shared_values, form.member_values
        )
    except services.Conflict as conflict:
        rows = conflict_rows(form, conflict.current, conflict.fields)
        audit.record(request, "groups.note.conflict", session, fields=conflict.fields)
        return conflict_fragment(request, rows, conflict.current)
    except notes.NoteLocked as locked:  # a member's part was signed on its own page
        return JsonResponse({"locked": True, "message": str(locked)}, status=409)
    _record_saved(request, session, changed, "autosaved")
    return JsonResponse({"version": session.version, "saved_at": saved_time(session.saved_at)})


@require_POST
@requires(Capability.EDIT_CLINICAL)
def session_sign(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Save what is in the form, then sign the shared part and every member's part."""
    session = get_session(request, public_id, Capability.EDIT_CLINICAL)
    if session.is_locked:
        messages.error(request, notes.locked_message())
        return render_note(request, session, status=409)
    form = _bound(request, session)
    if not form.is_valid():
        return render_note(request, session, form=form, status=400)
    try:
        changed = services.save_draft(
            session, form.cleaned_data["version"], form.shared_values, form.member_values
        )
        _record_saved(request, session, changed, "saved")
        services.sign(session, request.user)
    except services.Conflict as conflict:
        return _conflict_page(request, session, form, conflict)
    except (services.GroupError, notes.NoteError) as error:
        data = request.POST.copy()
        data["version"] = str(session.version)
        form = GroupNoteForm(data, session=session, rows=services.entries(session))
        form.is_valid()
        form.add_error(None, str(error))
        for name, message in getattr(error, "errors", {}).items():
            form.add_error(name if name in form.fields else None, message)
        return render_note(request, session, form=form, status=400)
    audit.record(request, "groups.note.signed", session, fields=["status"])
    rows = services.entries(session)
    _audit_member_parts(request, "ipt.note.signed", rows, None)
    messages.success(
        request,
        _("Group note signed, each member's part in their own record. Later changes are addenda."),
    )
    return redirect("groups:session", public_id=session.public_id)


@requires(Capability.EDIT_CLINICAL)
def session_addendum(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    session = get_session(request, public_id, Capability.EDIT_CLINICAL)
    if not session.is_locked:
        messages.info(request, _("This note is still a draft: edit it directly."))
        return redirect("groups:session", public_id=session.public_id)
    rows = services.entries(session)
    form = AddendumForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        part, reason, text = (form.cleaned_data[n] for n in ("part", "reason", "text"))
        if part == "shared":
            added = services.add_shared_addendum(session, request.user, reason, text)
            audit.record(request, "groups.addendum.created", added, fields=["reason", "text"])
        else:
            entry = next(e for e in rows if e.membership.code == part)
            added = services.add_member_addendum(entry, request.user, reason, text)
            audit.record(request, "ipt.addendum.created", added, fields=["reason", "text"])
        messages.success(request, _("Addendum added."))
        return redirect("groups:session", public_id=session.public_id)
    status = 400 if form.is_bound else 200
    context = {"session": session, "group": session.group, "form": form}
    return render(request, "groups/addendum.html", context, status=status)
