"""The public questionnaire form behind a signed, single-use, expiring link (no account).

Every failure looks the same to everyone (a clear page, never a login redirect),
and a link that is used, expired or unknown records nothing.

A submission stores everything or nothing, with one exception (safety.md §5.1,
measures.md §2.2): when the only problems are unanswered questions and a safety
answer is among the answers, the answered questionnaires are stored, the one with
the safety answer as an incomplete response with its alert, and the crisis
resources show at once. The link then stays open for the rest only: the questions
still unanswered, nothing else, until they are answered (then 410) or it expires.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from rapport.core import audit
from rapport.measures import forms, invitations, services
from rapport.measures.models import Invitation, Response, SafetyAlert

# Unknown links answer 404; used or expired ones 410 Gone (the link existed, and ended).
CLOSED_STATUS = {invitations.INVALID: 404, invitations.USED: 410, invitations.EXPIRED: 410}


@never_cache
def questionnaire_form(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitations.find(token)
    status = invitations.state(invitation)
    if status == invitations.UNFINISHED:
        return _rest(request, invitation, request.POST if request.method == "POST" else None)
    if status != invitations.OPEN:
        return _closed(request, status, invitation)
    if request.method == "POST":
        built = forms.sections(invitation.instruments, request.POST)
        verdict = forms.verdict(built)
        if verdict != forms.ERRORS:
            return _submitted(request, invitation, built, verdict, pending={})
    else:
        built = forms.sections(invitation.instruments)
        audit.record(None, "measures.invitation.opened", invitation)
    context = _client_facing(invitation) | {
        "sections": built,
        "has_errors": forms.has_errors(built),
        # An answer off the scale stores nothing, but a safety answer still shows help.
        "safety": any(section.hits for section in built),
        "question_count": forms.question_count(built),
    }
    return render(request, "measures/public/form.html", context)


def _rest(request: HttpRequest, invitation: Invitation, data: Any) -> HttpResponse:
    """The unfinished link: only the questions still unanswered (``data``: a submission)."""
    rest = invitations.remaining(invitation)
    if not rest:  # completed in session meanwhile
        return _closed(request, invitations.USED, invitation)
    pending = {item.code: item.pending for item in rest}
    codes = list(pending)
    given = {code: response.answers for code, response in pending.items() if response}
    alerted = {
        code: services.alerted_answers(response) for code, response in pending.items() if response
    }
    if data is not None:
        built = forms.sections(codes, data, given=given, alerted=alerted)
        verdict = forms.verdict(built)
        if verdict != forms.ERRORS:
            return _submitted(request, invitation, built, verdict, pending=pending)
    else:
        built = forms.sections(codes, given=given, alerted=alerted)
        audit.record(None, "measures.invitation.opened", invitation)
    return _rest_page(request, invitation, built, just_sent=False)


def _submitted(
    request: HttpRequest,
    invitation: Invitation,
    built: list[forms.Section],
    verdict: str,
    *,
    pending: dict[str, Response | None],
) -> HttpResponse:
    safety = _record(invitation, built, verdict, pending)
    if safety is None:
        # Another submission of this link won the race, or the rest was completed in
        # session meanwhile: show the link as it is now.
        invitation.refresh_from_db()
        status = invitations.state(invitation)
        if status == invitations.UNFINISHED:
            return _rest(request, invitation, None)
        return _closed(request, status, invitation)
    if verdict == forms.COMPLETE:
        return _confirmation(request, invitation, safety=safety)
    # Unfinished, with a safety answer: crisis resources at once, then the rest, with
    # what was answered but not stored kept in hidden fields (never asked twice).
    carried = {s.instrument.code: s.answers for s in built if s.errors and not s.stores_incomplete}
    rest = invitations.remaining(invitation)
    given = {item.code: item.pending.answers for item in rest if item.pending}
    again = forms.sections([item.code for item in rest], given=given, carried=carried)
    return _rest_page(request, invitation, again, just_sent=True)


def _record(
    invitation: Invitation,
    built: list[forms.Section],
    verdict: str,
    pending: dict[str, Response | None],
) -> bool | None:
    """Store what the verdict allows, with the link taken, in one transaction.

    Returns whether any answer triggers the safety workflow (None: the link was
    taken meanwhile, and nothing was stored).
    """
    finished = verdict == forms.COMPLETE
    try:
        with transaction.atomic():
            if invitation.used_at is not None:
                taken = invitations.mark_continued(invitation, finished=finished)
            elif finished:
                taken = invitations.mark_used(invitation)
            else:
                taken = invitations.mark_unfinished(invitation)
            if not taken:
                return None
            hits = False
            for section in built:
                if section.errors and not section.stores_incomplete:
                    continue  # unfinished without a safety answer: asked again, stored then
                response = services.record_response(
                    client=invitation.client,
                    instrument_code=section.instrument.code,
                    answers=section.answers,
                    mode=Response.Mode.REMOTE,
                    invitation=invitation,
                    context_id=invitation.context_id,
                    session_number=invitation.session_number,
                    completes=pending.get(section.instrument.code),
                    allow_incomplete=True,
                )
                # safety.md §5.1 step 1: the engine's own verdict, whatever the total.
                hits = hits or bool(section.hits)
                audit.record(
                    None, "measures.response.submitted_remotely", response, fields=["answers"]
                )
            alerts = SafetyAlert.objects.filter(response__invitation=invitation).exists()
    except (services.AlreadyCompleted, IntegrityError):
        return None  # completed in session a moment ago: nothing of this was stored
    return hits or alerts


def _client_facing(invitation: Invitation) -> dict[str, Any]:
    """The client's clinic, so its name and crisis resources show, not another's."""
    clinic = invitation.client.clinic
    return {"clinic": clinic, "crisis_resources": clinic.crisis_resources}


def _rest_page(
    request: HttpRequest, invitation: Invitation, built: list[forms.Section], *, just_sent: bool
) -> HttpResponse:
    clinic = invitation.client.clinic
    context = _client_facing(invitation) | {
        "sections": built,
        "has_errors": forms.has_errors(built),
        "question_count": forms.question_count(built),
        "just_sent": just_sent,
        "expires_at": timezone.localtime(invitation.expires_at, clinic.zone),
    }
    return render(request, "measures/public/rest.html", context)


def _confirmation(request: HttpRequest, invitation: Invitation, *, safety: bool) -> HttpResponse:
    context = _client_facing(invitation) | {"safety": safety}
    return render(request, "measures/public/done.html", context)


def _closed(request: HttpRequest, status: str, invitation: Invitation | None) -> HttpResponse:
    context: dict[str, Any] = {"state": status}
    if invitation is not None and request.method == "POST":
        # Nothing is recorded on a closed link, but a safety answer still shows help at once.
        built = forms.sections(invitation.instruments, request.POST)
        if any(section.hits for section in built):
            context |= _client_facing(invitation) | {"safety": True}
    return render(request, "measures/public/closed.html", context, status=CLOSED_STATUS[status])
