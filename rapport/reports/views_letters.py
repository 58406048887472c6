"""Letters for one episode: consents on record, writing, signing, downloading, sending."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.ipt.models import Episode
from rapport.ipt.views.base import can_edit, get_episode
from rapport.reports import letters, pdf
from rapport.reports.forms_letters import ConsentForm, LetterBodyForm, LetterStartForm, SendForm
from rapport.reports.models import Letter, LetterKind, RecipientConsent

LISTED = 50  # letters per episode shown; a course has a handful


def _consents(episode: Episode) -> object:
    return RecipientConsent.objects.filter(client=episode.client, withdrawn_at__isnull=True)


def _page(
    request: HttpRequest,
    episode: Episode,
    *,
    consent_form: ConsentForm | None = None,
    start_form: LetterStartForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "episode": episode,
        "client": episode.client,
        "can_edit": can_edit(request, episode),
        "letters": list(
            Letter.objects.filter(episode=episode)
            .select_related("signed_by")
            .defer("body", "pdf")
            .prefetch_related("deliveries")[:LISTED]
        ),
        "consents": list(_consents(episode).defer("recipient_address", "how")),
        "consent_form": consent_form or ConsentForm(initial={"given_on": timezone.localdate()}),
        "start_form": start_form or LetterStartForm(consents=_consents(episode)),
    }
    return render(request, "reports/letters.html", context, status=status)


@requires(Capability.VIEW_CLINICAL)
def letters_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, allow_closed=True, without_text=True)
    audit.record(request, "reports.letters.viewed", episode)
    return _page(request, episode)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def consent_record(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL, allow_closed=True)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return _page(request, episode, consent_form=form, status=400)
    consent = form.save(commit=False)
    consent.client = episode.client
    consent.recorded_by = request.user
    consent.save()
    audit.record(request, "reports.consent.recorded", consent, fields=list(form.changed_data))
    messages.success(request, _("Consent recorded."))
    return redirect("reports:letters", episode.public_id)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def consent_withdraw(
    request: HttpRequest, public_id: uuid.UUID, consent_id: uuid.UUID
) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL, allow_closed=True)
    consent = get_object_or_404(_consents(episode), public_id=consent_id)
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    audit.record(request, "reports.consent.withdrawn", consent)
    messages.success(request, _("Consent marked as withdrawn: no new letter can use it."))
    return redirect("reports:letters", episode.public_id)


@requires(Capability.EDIT_CLINICAL)
def letter_write(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Fill the chosen template from the episode; the therapist edits, then signs."""
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL, allow_closed=True)
    if request.method == "GET" and not request.GET:
        return redirect("reports:letters", episode.public_id)  # choose a letter there first
    start = LetterStartForm(request.POST or request.GET, consents=_consents(episode))
    if not start.is_valid():
        return _page(request, episode, start_form=start, status=400)
    kind, consent = start.cleaned_data["kind"], start.cleaned_data["consent"]
    if letters.RECIPIENT_OF[kind] != consent.recipient:
        start.add_error(
            "consent",
            _("This letter is for a %(who)s: choose one.")
            % {"who": letters.RECIPIENT_OF[kind].label.lower()},
        )
        return _page(request, episode, start_form=start, status=400)
    if request.method == "POST" and "body" in request.POST:
        form = LetterBodyForm(request.POST)
        if form.is_valid():
            letters.sign(request, episode, kind=kind, consent=consent, **form.cleaned_data)
            messages.success(request, _("Letter signed and stored."))
            return redirect("reports:letters", episode.public_id)
    else:
        text = letters.fill(
            letters.wording(episode.client.clinic, kind),
            letters.values_for(request, episode, consent.recipient_name),
        )
        form = LetterBodyForm(initial={"body": text})
    context = {
        "episode": episode,
        "form": form,
        "kind": LetterKind(kind),
        "consent": consent,
    }
    return render(request, "reports/letter_write.html", context, status=400 if form.errors else 200)


def _letter(request: HttpRequest, public_id: uuid.UUID, capability: Capability) -> Letter:
    visible = Letter.objects.visible_to(request.user, capability).select_related(
        "episode__client__clinic", "consent"
    )
    return get_object_or_404(visible, public_id=public_id)


@requires(Capability.VIEW_CLINICAL)
def letter_download(request: HttpRequest, letter_id: uuid.UUID) -> HttpResponse:
    letter = _letter(request, letter_id, Capability.VIEW_CLINICAL)
    audit.record(request, "reports.letter.downloaded", letter)
    return pdf.download(letters.pdf_of(letter), f"letter-{letter.signed_at:%Y-%m-%d}.pdf")


@require_POST
@requires(Capability.EDIT_CLINICAL)
def letter_send(request: HttpRequest, letter_id: uuid.UUID) -> HttpResponse:
    letter = _letter(request, letter_id, Capability.EDIT_CLINICAL)
    form = SendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the e-mail address to send the letter to."))
    else:
        delivery = letters.send(request, letter, form.cleaned_data["to"])
        if delivery.as_attachment:
            messages.success(request, _("Letter queued to send, attached to the e-mail."))
        else:
            messages.success(
                request,
                _("Letter queued to send as a secure link that works for %(days)d days.")
                % {"days": letters.LINK_DAYS},
            )
    return redirect("reports:letters", letter.episode.public_id)


def letter_link(request: HttpRequest, token: str) -> HttpResponse:
    """A recipient's secure link: a page with a button (mail scanners do not spend it)."""
    letter = letters.letter_for_token(token)
    if letter is None:
        raise Http404
    clinic = letter.episode.client.clinic
    if request.method == "POST":
        audit.record(request, "reports.letter.fetched_by_link", letter, clinic=clinic)
        return pdf.download(letters.pdf_of(letter), f"letter-{letter.signed_at:%Y-%m-%d}.pdf")
    return render(request, "reports/letter_link.html", {"clinic_name": clinic.name})
