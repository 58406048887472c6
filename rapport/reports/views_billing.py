"""Superbills for one client (per held appointment or per period), and the billing
details they need: the therapist's own, the client's postal address."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.clients.models import Client
from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.core.models import Role, User
from rapport.reports import billing, pdf
from rapport.reports.forms_billing import ClientAddressForm, PeriodForm, TherapistBillingForm
from rapport.reports.models_billing import ClientBillingAddress, TherapistBilling
from rapport.scheduling.models import Appointment
from rapport.scheduling.timeutil import utc_to_local

# Superbills are issued by the treating therapist: the capability to write in the record.
# Intake coordinators and clinic admins never get it (the diagnosis is clinical content),
# and neither does a break-glass grant, which opens viewing only.
ISSUE = Capability.EDIT_CLINICAL
RECENT = 10  # held sessions offered one by one; a period covers the rest
PRINTED_FIELDS = ["name", "date_of_birth", "address", "appointments", "diagnoses"]


def _client(request: HttpRequest, public_id: uuid.UUID) -> Client:
    visible = Client.objects.visible_to(request.user, ISSUE).select_related("clinic")
    return get_object_or_404(visible, public_id=public_id)


def recent_held(client: Client) -> list[Appointment]:
    return list(
        Appointment.objects.filter(client=client, status=Appointment.Status.ATTENDED)
        .only("public_id", "starts_at", "ends_at", "kind")
        .order_by("-starts_at", "-pk")[:RECENT]
    )


def _page(
    request: HttpRequest,
    client: Client,
    *,
    period: PeriodForm | None = None,
    address_form: ClientAddressForm | None = None,
    problems: list[billing.Problem] | None = None,
    empty: bool = False,
    status: int = 200,
) -> HttpResponse:
    saved = ClientBillingAddress.objects.filter(client=client).first()
    today = timezone.localdate()
    context = {
        "client": client,
        "period": period or PeriodForm(initial={"first": today.replace(day=1), "last": today}),
        "address_form": address_form or ClientAddressForm(instance=saved),
        "problems": problems or [],
        "empty": empty,
        "recent": recent_held(client),
    }
    return render(request, "reports/superbill_page.html", context, status=status)


def _issue(
    request: HttpRequest,
    client: Client,
    appointments: list[Appointment],
    first: dt.date,
    last: dt.date,
    period: PeriodForm | None = None,
) -> HttpResponse:
    """The PDF, or the page saying what to fill in first (never a half-filled PDF)."""
    if not any(a.status == Appointment.Status.ATTENDED for a in appointments):
        return _page(request, client, period=period, empty=True, status=409)
    try:
        made = billing.build(client, appointments, first, last, request.user)
    except billing.Incomplete as missing:
        return _page(request, client, period=period, problems=missing.problems, status=409)
    content = pdf.render("reports/superbill.html", {"superbill": made})
    audit.record(request, "reports.superbill.generated", client, fields=PRINTED_FIELDS)
    return pdf.download(content, f"superbill-{first.isoformat()}-{last.isoformat()}.pdf")


@requires(ISSUE)
def superbill_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The period form (the Documents panel submits here) and the client's address."""
    client = _client(request, public_id)
    if not {"first", "last"} & set(request.GET):
        audit.record(request, "reports.superbill.viewed", client)
        return _page(request, client)
    period = PeriodForm(request.GET)
    if not period.is_valid():
        return _page(request, client, period=period, status=400)
    first, last = period.cleaned_data["first"], period.cleaned_data["last"]
    appointments = list(billing.held_in_period(client, first, last))
    return _issue(request, client, appointments, first, last, period)


@requires(ISSUE)
def superbill_appointment(request: HttpRequest, appointment_id: uuid.UUID) -> HttpResponse:
    """The superbill of one held session."""
    visible = Appointment.objects.visible_to(request.user, ISSUE).filter(client__isnull=False)
    appointment = get_object_or_404(
        visible.select_related("therapist", "client__clinic"), public_id=appointment_id
    )
    client = appointment.client
    day = utc_to_local(appointment.starts_at, client.clinic.time_zone).date()
    return _issue(request, client, [appointment], day, day)


@require_POST
@requires(ISSUE)
def client_address(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    client = _client(request, public_id)
    saved = ClientBillingAddress.objects.filter(client=client).first()
    form = ClientAddressForm(request.POST, instance=saved)
    if not form.is_valid():
        return _page(request, client, address_form=form, status=400)
    row = form.save(commit=False)
    row.client = client
    row.updated_by = request.user
    row.save()
    audit.record(request, "reports.billing_address.updated", row, fields=["address"])
    messages.success(request, _("The client's address for superbills is saved."))
    return redirect("reports:superbill", client.public_id)


def _details_page(request: HttpRequest, member: User, *, own: bool, action: str) -> HttpResponse:
    saved = TherapistBilling.objects.filter(therapist=member).first()
    form = TherapistBillingForm(request.POST or None, instance=saved)
    if request.method == "POST" and form.is_valid():
        row = form.save(commit=False)
        row.therapist = member
        row.save()
        audit.record(request, "reports.billing.details_updated", row, fields=form.changed_data)
        messages.success(request, _("Billing details saved."))
        return redirect(action)
    context = {"form": form, "member": member, "own": own}
    return render(
        request, "reports/billing_details.html", context, status=400 if form.errors else 200
    )


@requires(ISSUE)
def billing_own(request: HttpRequest) -> HttpResponse:
    """A therapist's own credentials, licence and NPI, as their superbills print them."""
    return _details_page(request, request.user, own=True, action="reports:billing_own")


@requires(Capability.MANAGE_CLINIC)
def billing_member(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A clinic admin fills in a therapist's billing details (only the clinic's therapists)."""
    therapists = User.objects.filter(
        clinic_id=request.user.clinic_id, staff_roles__role=Role.THERAPIST
    ).distinct()
    member = get_object_or_404(therapists, public_id=public_id)
    back = reverse("core:clinic_settings") + "#billing"
    return _details_page(request, member, own=False, action=back)
