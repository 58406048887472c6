"""The public questionnaire form behind a signed, single-use, expiring link (no account).

Every failure looks the same to everyone (a clear page, never a login redirect),
and a link that is used, expired or unknown records nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from rapport.core import audit
from rapport.measures import engine, forms, invitations, services
from rapport.measures.models import Invitation, Response, SafetyAlert

# Unknown links answer 404; used or expired ones 410 Gone (the link existed, and ended).
CLOSED_STATUS = {"invalid": 404, "used": 410, "expired": 410}


@never_cache
def questionnaire_form(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitations.find(token)
    status = invitations.state(invitation)
    if status != "open":
        return _closed(request, status)
    if request.method == "POST":
        built = forms.sections(invitation.instruments, request.POST)
        if not forms.has_errors(built):
            safety = _record(invitation, built)
            if safety is None:
                return _closed(request, "used")
            return _confirmation(request, invitation, safety=safety)
    else:
        built = forms.sections(invitation.instruments)
        audit.record(None, "measures.invitation.opened", invitation)
    context = _client_facing(invitation) | {
        "sections": built,
        "has_errors": forms.has_errors(built),
        "question_count": sum(len(section.fields) for section in built),
    }
    return render(request, "measures/public/form.html", context)


def _record(invitation: Invitation, built: list[forms.Section]) -> bool | None:
    """Store every instrument's response with the link taken, all or nothing.

    Returns whether any answer triggers the safety workflow (None: the link was
    used or expired meanwhile, and nothing was stored).
    """
    with transaction.atomic():
        if not invitations.mark_used(invitation):
            return None
        hits = False
        for section in built:
            response = services.record_response(
                client=invitation.client,
                instrument_code=section.instrument.code,
                answers=section.answers,
                mode=Response.Mode.REMOTE,
                invitation=invitation,
                context_id=invitation.context_id,
                session_number=invitation.session_number,
            )
            # safety.md §5.1 step 1: the engine's own verdict, whatever the total.
            hits = hits or bool(engine.safety_hits(section.instrument, section.answers))
            audit.record(None, "measures.response.submitted_remotely", response, fields=["answers"])
        alerts = SafetyAlert.objects.filter(response__invitation=invitation).exists()
    return hits or alerts


def _client_facing(invitation: Invitation) -> dict:
    """The client's clinic, so its name and crisis resources show, not another's."""
    clinic = invitation.client.clinic
    return {"clinic": clinic, "crisis_resources": clinic.crisis_resources}


def _confirmation(request: HttpRequest, invitation: Invitation, *, safety: bool) -> HttpResponse:
    context = _client_facing(invitation) | {"safety": safety}
    return render(request, "measures/public/done.html", context)


def _closed(request: HttpRequest, status: str) -> HttpResponse:
    return render(
        request, "measures/public/closed.html", {"state": status}, status=CLOSED_STATUS[status]
    )
