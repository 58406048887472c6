"""The intake coordinators' side: queue, request detail, contact attempts, status,
conversion into a client, waitlist and booking the initial consultation.

Requests are contact data of people who are not yet clients: intake coordinators
and clinic admins (Capability.ADD_CLIENT) see their own clinic's, through
``ConsultationRequest.objects.visible_to``. The free-text concern is shown to
intake coordinators and clinicians: it is the person's own message to the intake
team and the coordinator triages by it. The self-screen (a measures response)
shows intake coordinators its total, band and urgency, never the item answers
(DESIGN.md: coordinators never see questionnaire items) except the one that
raised a safety alert they hold (``SafetyAlert.objects.held_by_intake``: its
question number, value and page).
Clinic admins see no clinical content: that a message and a self-screen exist and
that the request is urgent, nothing more; the concern is not even decrypted for them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.core.fields import without_encrypted
from rapport.core.inputs import parse_query_date
from rapport.core.models import Role
from rapport.core.versioning import update_if_current
from rapport.intake import conversion, services, waitlist
from rapport.intake.forms_queue import (
    OPEN,
    TRANSITIONS,
    ContactAttemptForm,
    ConversionForm,
    NotesForm,
    StatusForm,
    TherapistPickForm,
    WaitlistAddForm,
    WaitlistRemoveForm,
)
from rapport.intake.models import ConsultationRequest, ContactAttempt, WaitlistEntry
from rapport.ipt import variants
from rapport.measures.models import SafetyAlert
from rapport.measures.views.alerts import trigger_text
from rapport.scheduling import booking, confirmations, grid, reminders
from rapport.scheduling.models import Appointment

PAGE_SIZE = 50
S = ConsultationRequest.Status
TAKEN = gettext_lazy("That time was just taken — choose another.")
CHOOSE = gettext_lazy("Choose a time from the grid.")


# Roles that read the person's own words and their self-screen (DESIGN.md role table).
READS_CONTENT = frozenset({Role.INTAKE_COORDINATOR, Role.THERAPIST, Role.SUPERVISOR})


def reads_content(user: Any) -> bool:
    return bool(user.roles & READS_CONTENT)


def _get_request(request: HttpRequest, public_id: uuid.UUID) -> ConsultationRequest:
    """The one way these views fetch a request: scoped to the clinic, else 404."""
    visible = ConsultationRequest.objects.visible_to(request.user).select_related("client")
    if not reads_content(request.user):
        visible = visible.defer("concern")  # loaded only if conversion needs it
    return get_object_or_404(visible, public_id=public_id)


@requires(Capability.ADD_CLIENT)
def queue(request: HttpRequest) -> HttpResponse:
    """Open requests by default, urgent first, then oldest first."""
    shown = request.GET.get("status", "")
    # The queue shows names and dates: the concern and notes stay encrypted.
    requests = without_encrypted(ConsultationRequest.objects.visible_to(request.user))
    if shown in S.values:
        requests = requests.filter(status=shown)
    elif shown != "all":
        shown = ""
        requests = requests.open()  # served by the request_open_queue index, in its order
    # Per-row subqueries, not a GROUP BY over every request: only the page's rows pay.
    attempts = ContactAttempt.objects.filter(request=OuterRef("pk")).order_by()
    requests = requests.annotate(
        attempt_count=Coalesce(
            Subquery(attempts.values("request").annotate(n=Count("pk")).values("n")), 0
        ),
        last_attempt_at=Subquery(attempts.order_by("-at").values("at")[:1]),
        open_alert=_open_alert(request.user),
    ).order_by("-urgent", "created_at", "pk")
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(request, "intake.request.listed", fields=["status"] if shown else [])
    return render(
        request,
        "intake/queue/queue.html",
        {
            "page": page,
            "shown": shown,
            "statuses": S.choices,
            "querystring": urlencode({"status": shown}) if shown else "",
        },
    )


def _open_alert(user: Any) -> Subquery:
    """The newest open safety alert intake holds for each request, if the user holds them."""
    held = SafetyAlert.objects.held_by_intake(user).filter(
        subject_id=OuterRef("public_id"), status=SafetyAlert.Status.OPEN
    )
    return Subquery(held.order_by("-created_at", "-pk").values("public_id")[:1])


def _waitlist_place(entry: WaitlistEntry | None) -> int | None:
    if entry is None or entry.removed_at is not None:
        return None
    ahead = WaitlistEntry.objects.filter(
        request__clinic_id=entry.request.clinic_id,
        removed_at__isnull=True,
        added_at__lt=entry.added_at,
    ).count()
    return ahead + 1


def _detail(request: HttpRequest, req: ConsultationRequest, **forms: Any) -> HttpResponse:
    entry = WaitlistEntry.objects.filter(request=req).select_related("preferred_therapist").first()
    if entry is not None:
        entry.request = req
    context = {
        "req": req,
        "attempts": req.attempts.select_related("by"),
        "appointments": Appointment.objects.filter(
            clinic_id=req.clinic_id, request_id=req.public_id
        ).select_related("therapist"),
        "entry": entry if entry is not None and entry.removed_at is None else None,
        "place": _waitlist_place(entry),
        "days_waiting": waitlist.days_waiting(entry) if entry is not None else None,
        "attempt_form": forms.get("attempt_form") or ContactAttemptForm(),
        "status_form": forms.get("status_form") or StatusForm(request_obj=req),
        "can_change_status": bool(TRANSITIONS[req.status]),
        "waitlist_form": forms.get("waitlist_form") or WaitlistAddForm(clinic=req.clinic),
        "remove_form": WaitlistRemoveForm(),
        "is_open": req.status in OPEN,
        "held": _held_slot(req),
        "now": timezone.now(),
        **_screen_context(request.user, req),
    }
    if context["open_alerts"] or context["closed_alerts"]:
        audit.record(request, "measures.alert.listed", req)  # the alerts of this request
    return render(request, "intake/queue/request.html", context)


def _screen_context(user: Any, req: ConsultationRequest) -> dict[str, Any]:
    """The self-screen as this user may see it, and the safety alerts intake holds for it."""
    alerts = list(
        SafetyAlert.objects.held_by_intake(user)
        .of_subject(req.public_id)
        .select_related("acknowledged_by")
        .order_by("-created_at", "-pk")
    )
    for alert in alerts:
        alert.trigger = trigger_text(alert)  # shown without the question's wording
    return {
        "screen": services.self_screen(req),
        # Clinic admins see no clinical content: that a self-screen exists, no score.
        "screen_shown": reads_content(user),
        "open_alerts": [a for a in alerts if a.status == SafetyAlert.Status.OPEN],
        "closed_alerts": [a for a in alerts if a.status != SafetyAlert.Status.OPEN],
    }


def _held_slot(req: ConsultationRequest) -> Appointment | None:
    """The time the person picked on the public form, while still awaiting confirmation."""
    if req.held_slot_id is None:
        return None
    return (
        Appointment.objects.filter(
            clinic_id=req.clinic_id,
            public_id=req.held_slot_id,
            request_id=req.public_id,
            status=Appointment.Status.HELD,
        )
        .select_related("therapist")
        .first()
    )


@requires(Capability.ADD_CLIENT)
def request_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    req = _get_request(request, public_id)
    audit.record(request, "intake.request.viewed", req)
    return _detail(request, req)


@requires(Capability.ADD_CLIENT)
def request_notes(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    req = _get_request(request, public_id)
    form = NotesForm(request.POST or None, instance=req)
    if request.method == "POST" and form.is_valid() and form.save_if_current():
        audit.record(request, "intake.request.updated", req, fields=form.changed_fields())
        messages.success(request, _("Notes saved."))
        return redirect("intake:request", public_id=req.public_id)
    if request.method == "GET":
        audit.record(request, "intake.request.viewed", req)
    return render(request, "intake/queue/notes.html", {"req": req, "form": form})


@require_POST
@requires(Capability.ADD_CLIENT)
def attempt_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    req = _get_request(request, public_id)
    form = ContactAttemptForm(request.POST, instance=ContactAttempt(request=req, by=request.user))
    if not form.is_valid():
        audit.record(request, "intake.request.viewed", req)
        return _detail(request, req, attempt_form=form)
    form.instance.at = timezone.now()
    form.save()
    fields = ["channel", "outcome"] + (["note"] if form.cleaned_data["note"] else [])
    audit.record(request, "intake.request.contact_attempted", req, fields=fields)
    if req.status == S.NEW and form.cleaned_data["outcome"] == ContactAttempt.Outcome.REACHED:
        _set_status(request, req, S.CONTACTED, req.version)
    messages.success(request, _("Contact attempt recorded."))
    return redirect("intake:request", public_id=req.public_id)


def _set_status(request: HttpRequest, req: ConsultationRequest, status: str, version: int) -> bool:
    visible = ConsultationRequest.objects.visible_to(request.user)
    if not update_if_current(visible, req, version, status=status):
        return False
    if status in (S.REFERRED, S.DECLINED):
        waitlist.remove(req, reason=S(status).label)
    audit.record(request, "intake.request.status_changed", req, fields=["status"])
    return True


@require_POST
@requires(Capability.ADD_CLIENT)
def status_change(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    req = _get_request(request, public_id)
    form = StatusForm(request.POST, request_obj=req)
    if form.is_valid():
        status = form.cleaned_data["status"]
        if _set_status(request, req, status, form.cleaned_data["version"]):
            messages.success(request, _("Status changed to “%(s)s”.") % {"s": S(status).label})
            return redirect("intake:request", public_id=req.public_id)
        form.add_error(None, NotesForm.stale_message)
    audit.record(request, "intake.request.viewed", req)
    return _detail(request, req, status_form=form)


@requires(Capability.ADD_CLIENT)
def convert(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    req = _get_request(request, public_id)
    if req.client_id is not None:
        messages.info(request, _("This request was already converted into a client record."))
        return redirect("clients:detail", public_id=req.client.public_id)
    given, family = conversion.split_name(req.name)
    consulted = _consultation_therapist(req)
    form = ConversionForm(
        request.POST or None,
        clinic=req.clinic,
        initial={
            "given_name": given,
            "family_name": family,
            "started_on": timezone.localdate(),
            "therapist": consulted,
            "variant": variants.for_age_group(req.age_group),
        },
    )
    if consulted is not None:
        form.fields["therapist"].help_text = _(
            "Filled in from the booked initial consultation: change it if someone else will "
            "treat the person."
        )
    if request.method == "POST" and form.is_valid():
        try:
            done = conversion.convert(req, **form.cleaned_data, by=request.user)
        except conversion.ConversionError as error:
            form.add_error(None, str(error))
        else:
            _audit_conversion(request, req, done)
            messages.success(
                request, _("Client record created and IPT episode opened with the therapist.")
            )
            return redirect("clients:detail", public_id=done.client.public_id)
    audit.record(request, "intake.request.viewed", req)
    held = SafetyAlert.objects.held_by_intake(request.user).of_subject(req.public_id)
    context = {
        "req": req,
        "form": form,
        "open_alerts": held.filter(status=SafetyAlert.Status.OPEN).exists(),
        "variant_catalogue": list(variants.DEFINITIONS.values()),
    }
    return render(request, "intake/queue/convert.html", context)


def _consultation_therapist(req: ConsultationRequest) -> Any:
    """Who the booked initial consultation is with: the likely therapist (the latest one)."""
    consultation = (
        Appointment.objects.filter(
            clinic_id=req.clinic_id,
            request_id=req.public_id,
            kind=Appointment.Kind.CONSULTATION,
            status__in=Appointment.OCCUPYING,
        )
        .select_related("therapist")
        .order_by("-starts_at", "-pk")
        .first()
    )
    return consultation.therapist if consultation is not None else None


def _audit_conversion(
    request: HttpRequest, req: ConsultationRequest, done: conversion.Converted
) -> None:
    audit.record(request, "intake.request.converted", req, fields=["client", "status"])
    audit.record(
        request,
        "clients.client.created",
        done.client,
        fields=["given_name", "family_name", "date_of_birth", "assigned_therapist"],
    )
    audit.record(request, "ipt.episode.created", done.episode, fields=["therapist", "started_on"])


@requires(Capability.ADD_CLIENT)
def book(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The week grid of free times (GET, filtered and paged by week); a time's button books
    it (POST). With htmx the filter and the week links swap the grid alone."""
    req = _get_request(request, public_id)
    everyone = list(waitlist.therapists(req.clinic))
    source = request.POST if request.method == "POST" else request.GET
    pick = TherapistPickForm(source if source.get("therapist") else None, clinic=req.clinic)
    chosen = pick.cleaned_data["therapist"] if pick.is_bound and pick.is_valid() else None
    zone = timezone.get_current_timezone_name()
    week_of = parse_query_date(request, "week", timezone.localdate())
    error = ""
    if request.method == "POST":
        booked, error, week_of = _book_slot(request, req, everyone, zone)
        if booked is not None:
            return redirect("intake:request", public_id=req.public_id)
    audit.record(request, "intake.request.viewed", req)
    context = {
        "req": req,
        "pick": pick,
        "error": error,
        "grid": _grid(request, everyone, chosen, week_of, zone),
    }
    partial = (
        request.method == "GET"
        and request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"  # needs the whole page
    )
    template = "scheduling/grid/_week.html" if partial else "intake/queue/book.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])  # one URL, two bodies: caches must tell
    return response


def _grid(
    request: HttpRequest, everyone: list[Any], chosen: Any, week_of: Any, zone: str
) -> dict[str, Any]:
    """The grid's week, its links and the "next free" shortcuts (a fixed number of queries)."""
    this_week = grid.monday_of(timezone.localdate())
    monday = max(grid.monday_of(week_of), this_week)  # no free time in the past

    def link(day: Any, therapist: Any = chosen) -> str:
        query = {"week": day.isoformat()}
        if therapist is not None:
            query["therapist"] = str(therapist.public_id)
        return f"{request.path}?{urlencode(query)}"

    def shortcut(slot: grid.Slot | None, therapist: Any) -> dict[str, Any] | None:
        if slot is None:
            return None
        return {"slot": slot, "url": f"{link(slot.week, therapist)}#slot-{slot.value}"}

    nexts = grid.next_free(everyone, zone)
    next_any = min(nexts.values(), key=lambda s: (s.starts_at, s.therapist.pk), default=None)
    return {
        "weeks": grid.week([chosen] if chosen else everyone, monday, zone),
        "monday": monday,
        "sunday": monday + dt.timedelta(days=6),
        "zone": zone,
        "chosen": chosen,
        "prev": link(monday - dt.timedelta(days=7)) if monday > this_week else "",
        "next": link(monday + dt.timedelta(days=7)),
        "this_week": link(this_week) if monday != this_week else "",
        "next_chosen": shortcut(nexts.get(chosen.pk), chosen) if chosen else None,
        "next_any": shortcut(next_any, chosen and next_any and next_any.therapist),
    }


def _book_slot(
    request: HttpRequest, req: ConsultationRequest, everyone: list[Any], zone: str
) -> tuple[Appointment | None, str, Any]:
    """Book the posted slot: the appointment, else why not and the week to show again."""
    parsed = grid.parse_slot(request.POST.get("slot", ""))
    therapist = next((t for t in everyone if parsed and t.public_id == parsed[0]), None)
    if parsed is None or therapist is None:
        return None, str(CHOOSE), timezone.localdate()
    starts_at = parsed[1]
    week_of = timezone.localtime(starts_at).date()
    ends_at = grid.is_free(therapist, starts_at, zone)
    if ends_at is None:
        return None, str(TAKEN), week_of
    try:
        appointment = booking.book(
            clinic=req.clinic,
            therapist=therapist,
            starts_at=starts_at,
            ends_at=ends_at,
            kind=Appointment.Kind.CONSULTATION,
            client=req.client,
            request_id=req.public_id,
            by=request.user,
        )
    except booking.SlotTaken:
        return None, str(TAKEN), week_of
    _booked(request, req, appointment)
    return appointment, "", week_of


def _booked(request: HttpRequest, req: ConsultationRequest, appointment: Appointment) -> None:
    audit.record(request, "scheduling.appointment.booked", appointment, fields=["starts_at"])
    if req.status != S.ACCEPTED:
        ConsultationRequest.objects.filter(pk=req.pk).update(status=S.CONSULTATION_BOOKED)
    waitlist.remove(req, reason=waitlist.BOOKED)
    audit.record(request, "intake.request.consultation_booked", req, fields=["status"])
    sent = confirmations.confirm_booking(appointment)
    when = timezone.localtime(appointment.starts_at)
    text = _("Initial consultation booked with %(who)s on %(day)s at %(time)s (%(zone)s).") % {
        "who": appointment.therapist.get_full_name(),
        "day": when.strftime("%Y-%m-%d"),
        "time": when.strftime("%H:%M"),
        "zone": timezone.get_current_timezone_name(),
    }
    if sent:
        text += " " + _("A confirmation e-mail with a calendar file is on its way to the person.")
    messages.success(request, text)


@require_POST
@requires(Capability.ADD_CLIENT)
def confirm_slot(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Confirm the time the person picked: the hold becomes a booking (unless it lapsed)."""
    req = _get_request(request, public_id)
    held = _held_slot(req)
    with transaction.atomic():
        confirmed = held is not None and bool(
            Appointment.objects.filter(
                pk=held.pk, status=Appointment.Status.HELD, held_until__gt=timezone.now()
            ).update(
                status=Appointment.Status.BOOKED,
                held_until=None,
                version=F("version") + 1,
            )
        )
        if confirmed:
            held.status = Appointment.Status.BOOKED
            reminders.schedule(held)  # a hold had none: the booking brings them
            confirmations.confirm_booking(held)  # now a booking: the person gets the .ics
            if req.status != S.ACCEPTED:
                ConsultationRequest.objects.filter(pk=req.pk).update(status=S.CONSULTATION_BOOKED)
            waitlist.remove(req, reason=waitlist.BOOKED)
            audit.record(request, "intake.request.slot_confirmed", req, fields=["status"])
    if confirmed:
        messages.success(request, _("The time the person picked is now booked."))
    else:
        messages.error(
            request,
            _(
                "The hold on the time the person picked has expired. "
                "Book the initial consultation instead."
            ),
        )
    return redirect("intake:request", public_id=req.public_id)


@require_POST
@requires(Capability.ADD_CLIENT)
def waitlist_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    req = _get_request(request, public_id)
    form = WaitlistAddForm(request.POST, clinic=req.clinic)
    if not form.is_valid():
        audit.record(request, "intake.request.viewed", req)
        return _detail(request, req, waitlist_form=form)
    try:
        waitlist.add(req, preferred_therapist=form.cleaned_data["preferred_therapist"])
    except waitlist.WaitlistError as error:
        messages.error(request, str(error))
    else:
        audit.record(request, "intake.request.waitlisted", req, fields=["status", "waitlist"])
        messages.success(request, _("Added to the waitlist."))
    return redirect("intake:request", public_id=req.public_id)


@require_POST
@requires(Capability.ADD_CLIENT)
def waitlist_remove(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    req = _get_request(request, public_id)
    form = WaitlistRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose why the person leaves the waitlist."))
    elif waitlist.remove(req, reason=form.cleaned_data["reason"]):
        new_status = S.REFERRED if form.cleaned_data["reason"] == "referred" else S.CONTACTED
        ConsultationRequest.objects.filter(pk=req.pk, status=S.WAITLISTED).update(status=new_status)
        audit.record(request, "intake.request.unwaitlisted", req, fields=["status", "waitlist"])
        messages.success(request, _("Removed from the waitlist."))
    else:
        messages.info(request, _("This person was not on the waitlist."))
    target = "intake:waitlist" if request.POST.get("from") == "waitlist" else None
    return redirect(target) if target else redirect("intake:request", public_id=req.public_id)


@requires(Capability.ADD_CLIENT)
def waitlist_view(request: HttpRequest) -> HttpResponse:
    clinic = request.user.clinic
    now = timezone.now()
    entries = list(waitlist.waiting(clinic))
    for place, entry in enumerate(entries, start=1):
        entry.place, entry.days = place, waitlist.days_waiting(entry, now)
    offers = waitlist.offers(clinic, entries, timezone.localdate())
    audit.record(request, "intake.waitlist.viewed")
    return render(
        request,
        "intake/queue/waitlist.html",
        {"entries": entries, "offers": offers, "remove_form": WaitlistRemoveForm()},
    )
