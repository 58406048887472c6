"""The public questionnaire form behind a signed, single-use, expiring link (no account).

Every failure looks the same to everyone (a clear page, never a login redirect),
and a link that is used, expired or unknown records nothing.

What a submission stores, and which page follows, is ``answering.step``'s to say
(shared with the portal): everything or nothing, except that a safety answer among
unanswered questions is stored at once and the link stays open for the rest only
(then 410), until it expires.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from rapport.measures import answering, invitations
from rapport.measures.models import Invitation

# Unknown links answer 404; used or expired ones 410 Gone (the link existed, and ended).
CLOSED_STATUS = {invitations.INVALID: 404, invitations.USED: 410, invitations.EXPIRED: 410}


@never_cache
def questionnaire_form(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitations.find(token)
    data = request.POST if request.method == "POST" else None
    step = answering.step(invitation, data, answering.LINK)
    if step.page == answering.CLOSED:
        return _closed(request, step, invitation)
    context = _client_facing(invitation) | {
        "sections": step.sections,
        "has_errors": step.has_errors,
        "question_count": step.question_count,
    }
    if step.page == answering.DONE:
        return render(
            request,
            "measures/public/done.html",
            _client_facing(invitation) | {"safety": step.safety},
        )
    if step.page == answering.REST:
        clinic = invitation.client.clinic
        context |= {
            "just_sent": step.just_sent,
            "expires_at": timezone.localtime(invitation.expires_at, clinic.zone),
        }
        return render(request, "measures/public/rest.html", context)
    context["safety"] = step.safety
    return render(request, "measures/public/form.html", context)


def _client_facing(invitation: Invitation) -> dict[str, Any]:
    """The client's clinic, so its name and crisis resources show, not another's."""
    clinic = invitation.client.clinic
    return {"clinic": clinic, "crisis_resources": clinic.crisis_resources}


def _closed(
    request: HttpRequest, step: answering.Step, invitation: Invitation | None
) -> HttpResponse:
    context: dict[str, Any] = {"state": step.state}
    if step.safety:
        context |= _client_facing(invitation) | {"safety": True}
    return render(request, "measures/public/closed.html", context, status=CLOSED_STATUS[step.state])
