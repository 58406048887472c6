"""The public site: no sign-in, no session cookie (only the form's CSRF cookie)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from rapport.core.models import Clinic
from rapport.intake import content, ratelimit, services
from rapport.intake.forms import SLOT_TAKEN, ConsultationRequestForm
from rapport.measures import forms as measure_forms
from rapport.scheduling import booking


def _public_clinic() -> Clinic | None:
    # One practice per install serves the public site (as the crisis footer does).
    return Clinic.objects.order_by("pk").first()


def home(request: HttpRequest) -> HttpResponse:
    """The practice's front page: each page summarised and linked."""
    pages = services.pages_for(_public_clinic())
    summaries = [(page, content.summary(page.body)) for page in pages]
    return render(request, "intake/public/home.html", {"summaries": summaries})


def page(request: HttpRequest, slug: str) -> HttpResponse:
    pages = services.pages_for(_public_clinic())
    found = next((p for p in pages if p.slug == slug), None)
    if found is None:
        raise Http404
    context = {"page": found, "blocks": content.blocks(found.body), "pages": pages}
    return render(request, "intake/public/page.html", context)


@never_cache
def consultation(request: HttpRequest) -> HttpResponse:
    """The consultation request form; on success the confirmation is the response itself.

    Rendering it (rather than redirecting) needs no session to carry the outcome,
    so anonymous visitors get no session cookie.
    """
    clinic = _public_clinic()
    if clinic is None:
        raise Http404
    slots = services.public_slots(clinic)
    if request.method != "POST":
        context = {"form": ConsultationRequestForm(slots=slots), "sections": _screen()}
        return render(request, "intake/public/consultation.html", context)
    form = ConsultationRequestForm(request.POST, slots=slots)
    if form.is_spam:
        return _done(request, urgent=False, channel="")  # silently "succeeds", stores nothing
    sections = _screen(request.POST)
    # A finished self-screen is stored; an unfinished one only with a positive safety
    # answer (then as incomplete, with its alert: safety.md §5.1); otherwise it is refused.
    screen_ok = measure_forms.verdict(sections) != measure_forms.ERRORS
    if not form.is_valid() or not screen_ok:
        return _form_again(request, form, sections)
    if not ratelimit.allowed(request):
        return _form_again(request, form, sections, limited=True)
    screen = sections[0].answers or None
    try:
        made = services.submit_request(
            request, clinic, form.details(), screen, slot=form.picked_slot()
        )
    except booking.SlotTaken:
        # Taken between showing the form and sending it: keep every answer, offer the rest.
        form = ConsultationRequestForm(request.POST, slots=services.public_slots(clinic))
        if form.is_valid():
            form.add_error("slot", SLOT_TAKEN)
        return _form_again(request, form, sections)
    return _done(request, urgent=made.urgent, channel=made.get_preferred_channel_display())


def _screen(data: object = None) -> list[measure_forms.Section]:
    """The optional PHQ-9: checked only when at least one of its questions is answered."""
    if data is not None and _screen_started(data):
        return measure_forms.sections([services.SCREEN], data)
    return measure_forms.sections([services.SCREEN])


def _screen_started(data: object) -> bool:
    prefix = f"{services.SCREEN}-"
    return any(key.startswith(prefix) and value for key, value in data.items())


def _form_again(
    request: HttpRequest,
    form: ConsultationRequestForm,
    sections: list[measure_forms.Section],
    *,
    limited: bool = False,
) -> HttpResponse:
    context = {
        "form": form,
        "sections": sections,
        "screen_errors": measure_forms.has_errors(sections),
        "limited": limited,
        # A positive safety answer on a form sent back: the crisis numbers first, at once.
        "crisis": any(section.hits for section in sections),
    }
    status = 429 if limited else 200
    return render(request, "intake/public/consultation.html", context, status=status)


def _done(request: HttpRequest, *, urgent: bool, channel: str) -> HttpResponse:
    context = {"urgent": urgent, "channel": channel}
    return render(request, "intake/public/consultation_done.html", context)
