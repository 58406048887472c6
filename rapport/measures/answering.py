"""Answering an invitation's questionnaires: one flow for the e-mailed link and the portal.

``step()`` takes an invitation and what was posted, stores what the verdict allows
and says which page comes next; the caller (the public link's view, the portal's)
only renders it. So both roads share the same engine, the same safety workflow
(safety.md §5.1: a safety answer among unanswered questions is stored at once, with
its alert, and the crisis resources show) and the same single use: taking the
invitation is a conditional UPDATE (``invitations.mark_*``), whichever road takes it.

A submission stores everything or nothing, with one exception (safety.md §5.1,
measures.md §2.2): when the only problems are unanswered questions and a safety
answer is among the answers, the answered questionnaires are stored, the one with
the safety answer as an incomplete response with its alert. The invitation then
stays open for the rest only, until it is answered (then closed) or it expires.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from rapport.core import audit
from rapport.measures import forms, invitations, services
from rapport.measures.models import Invitation, Response, SafetyAlert

# The pages a step leads to.
FORM, REST, DONE, CLOSED = "form", "rest", "done", "closed"


@dataclass
class Step:
    """What to show next: ``page`` with its ``sections``; ``safety``: the crisis resources
    show at once; ``just_sent``: the rest page right after a partial submission;
    ``state``: why a closed invitation is closed (invitations.USED, …)."""

    page: str
    sections: list[forms.Section] = field(default_factory=list)
    safety: bool = False
    just_sent: bool = False
    state: str = ""

    @property
    def has_errors(self) -> bool:
        return forms.has_errors(self.sections)

    @property
    def question_count(self) -> int:
        return forms.question_count(self.sections)


@dataclass(frozen=True)
class Road:
    """Who answers, and how it is recorded: the link (no account) or the portal."""

    mode: str  # Response.Mode
    submitted_action: str  # the audit code of each stored response
    request: HttpRequest | None = None  # audited as the actor; None: no account (the link)


LINK = Road(Response.Mode.REMOTE, "measures.response.submitted_remotely")


def step(invitation: Invitation | None, data: Any, road: Road = LINK) -> Step:
    """Open (``data`` None) or submit (``data``: the POST) the invitation's questionnaires."""
    status = invitations.state(invitation)
    if status == invitations.UNFINISHED:
        return _rest(invitation, data, road)
    if status != invitations.OPEN:
        return _closed(status, invitation, data)
    if data is not None:
        built = forms.sections(invitation.instruments, data)
        verdict = forms.verdict(built)
        if verdict != forms.ERRORS:
            return _submitted(invitation, built, verdict, {}, road, data)
        # An answer off the scale stores nothing, but a safety answer still shows help.
        return Step(FORM, built, safety=any(section.hits for section in built))
    audit.record(road.request, "measures.invitation.opened", invitation)
    return Step(FORM, forms.sections(invitation.instruments))


def _rest(invitation: Invitation, data: Any, road: Road) -> Step:
    """The unfinished invitation: only the questions still unanswered."""
    rest = invitations.remaining(invitation)
    if not rest:  # completed in session meanwhile
        return _closed(invitations.USED, invitation, data)
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
            return _submitted(invitation, built, verdict, pending, road, data)
        return Step(REST, built, safety=True)
    audit.record(road.request, "measures.invitation.opened", invitation)
    return Step(REST, forms.sections(codes, given=given, alerted=alerted), safety=True)


def _submitted(
    invitation: Invitation,
    built: list[forms.Section],
    verdict: str,
    pending: dict[str, Response | None],
    road: Road,
    data: Any,
) -> Step:
    safety = _record(invitation, built, verdict, pending, road)
    if safety is None:
        # Another submission won the race, or the rest was completed in session
        # meanwhile: show the invitation as it is now.
        invitation.refresh_from_db()
        status = invitations.state(invitation)
        if status == invitations.UNFINISHED:
            return _rest(invitation, None, road)
        return _closed(status, invitation, data)
    if verdict == forms.COMPLETE:
        return Step(DONE, safety=safety)
    # Unfinished, with a safety answer: crisis resources at once, then the rest, with
    # what was answered but not stored kept in hidden fields (never asked twice).
    carried = {s.instrument.code: s.answers for s in built if s.errors and not s.stores_incomplete}
    rest = invitations.remaining(invitation)
    given = {item.code: item.pending.answers for item in rest if item.pending}
    again = forms.sections([item.code for item in rest], given=given, carried=carried)
    return Step(REST, again, safety=True, just_sent=True)


def _record(
    invitation: Invitation,
    built: list[forms.Section],
    verdict: str,
    pending: dict[str, Response | None],
    road: Road,
) -> bool | None:
    """Store what the verdict allows, with the invitation taken, in one transaction.

    Returns whether any answer triggers the safety workflow (None: the invitation was
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
                    mode=road.mode,
                    invitation=invitation,
                    context_id=invitation.context_id,
                    session_number=invitation.session_number,
                    completes=pending.get(section.instrument.code),
                    allow_incomplete=True,
                )
                # safety.md §5.1 step 1: the engine's own verdict, whatever the total.
                hits = hits or bool(section.hits)
                audit.record(road.request, road.submitted_action, response, fields=["answers"])
            alerts = SafetyAlert.objects.filter(response__invitation=invitation).exists()
    except (services.AlreadyCompleted, IntegrityError):
        return None  # completed in session a moment ago: nothing of this was stored
    return hits or alerts


def _closed(status: str, invitation: Invitation | None, data: Any) -> Step:
    """Nothing is recorded on a closed invitation, but a safety answer still shows help."""
    safety = False
    if invitation is not None and data is not None:
        built = forms.sections(invitation.instruments, data)
        safety = any(section.hits for section in built)
    return Step(CLOSED, safety=safety, state=status)
