"""The episode's outcome measures: schedule, remote links, in-session entry, responses.

ipt knows the episode (variant, focus, sessions held and planned); measures
knows questionnaires. This page joins them: measures is called, never the reverse.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.ipt import chart_phases, family, variants
from rapport.ipt import services as episode_services
from rapport.ipt.catalogue import ProblemArea
from rapport.ipt.models import Episode
from rapport.ipt.views.base import episode_context, get_episode
from rapport.measures import charts, forms, instruments, invitations, schedule, services
from rapport.measures.models import Invitation, OutcomeFlag, Response
from rapport.measures.views.charts import NOT_ON_TRACK, caseness, describe, history_page, thresholds

RESPONSES_PAGE = 25


def grief_is_focus(episode: Episode) -> bool:
    """A grief focus asks for the grief measure (measures.md §2.10)."""
    return ProblemArea.GRIEF in (episode.primary_problem_area, episode.secondary_problem_area)


def next_session(episode: Episode, held: int) -> int:
    return held + 1


def _planned(context: dict[str, Any]) -> int | None:
    contract = context["contract"]
    return contract.planned_sessions if contract else None


def response_page(request: HttpRequest, episode: Episode) -> Page:
    """One page of the episode's responses, newest first, each row complete in one query.

    The correction and the completion are joined in as plain values: a missing
    reverse one-to-one raises on access, and templates then fall back to dir() on
    every row. The answers and the encrypted correction reason are never read here.
    """
    rows = (
        Response.objects.filter(client=episode.client, context_id=episode.public_id)
        .select_related("entered_by")
        .defer("answers", "correction_reason")
        .annotate(
            correction_id=F("corrected_by__public_id"),
            correction_total=F("corrected_by__total"),
            correction_band=F("corrected_by__band"),
            completion_id=F("completed_by__public_id"),
            # variants.md §2.3: a parent-report answered by a participant (no name read).
            answered_by_participant=F("respondent__participant_id"),
        )
        .order_by("-submitted_at", "-pk")
    )
    page = Paginator(rows, RESPONSES_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for response in page.object_list:
        known = instruments.CATALOGUE.get(response.instrument)
        response.title = known.short_title if known else response.instrument
    return page


def _session_dates(episode: Episode, series: list[charts.Series]) -> dict[int, Any]:
    """Dates of the sessions the charts show, and no others (one query)."""
    numbers = {r.session_number for item in series for r in item.responses}
    return dict(episode.notes.filter(number__in=numbers).values_list("number", "held_on"))


def _events(episode: Episode) -> list[tuple[Any, str]]:
    return [
        (e.occurred_on, e.title)
        # public_id: the title's ciphertext is bound to it (core.fields)
        for e in episode.timeline.only("episode_id", "public_id", "occurred_on", "title")
    ]


def episode_charts(request: HttpRequest, episode: Episode) -> dict[str, Any]:
    """The episode's charts: per measure the baseline and the latest 52 scores, events marked.

    A fixed number of queries however long the episode: series, session dates,
    timeline events, phases, thresholds, flags.
    """
    series = charts.windowed(Response.objects.filter(context_id=episode.public_id))
    sessions = _session_dates(episode, series)
    events = _events(episode)
    phases = chart_phases.for_episode(episode) if series else []
    overrides = thresholds(episode.client.clinic_id)
    built = []
    for item in series:
        chart = charts.build(
            item.code,
            item.responses,
            caseness=caseness(overrides, item.code),
            session_dates=sessions,
            events=events,
            chart_id=f"episode-{item.code}",
            count=item.count,
            phases=phases,
        )
        chart.history_url = reverse("ipt:measures_history", args=[episode.public_id, item.code])
        built.append(chart)
    if series:
        audit.record(request, "measures.outcomes.viewed", episode.client)
    flags = OutcomeFlag.objects.filter(context_id=episode.public_id, kind=NOT_ON_TRACK, active=True)
    return {"charts": built, "flags": [describe(flag) for flag in flags]}


def _page(
    request: HttpRequest,
    episode: Episode,
    *,
    schedule_form: forms.ScheduleForm | None = None,
    invite_form: forms.InvitationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = episode_context(request, episode, "measures")
    upcoming = next_session(episode, context["sessions_held"])
    links = list(
        Invitation.objects.filter(client=episode.client, context_id=episode.public_id)
        .select_related("created_by")
        .order_by("-created_at", "-pk")[:10]
    )
    for link in links:
        link.unfinished = invitations.state(link) == invitations.UNFINISHED
    rows = schedule.rows_for(episode.public_id)
    due = schedule.due_instruments(episode.public_id, upcoming, _planned(context))
    settings = schedule.clinic_settings(episode.client.clinic)
    editable = context["can_edit"] and episode.status == Episode.Status.ACTIVE
    scheduled_codes = {row.instrument for row in rows}
    grief_missing = (
        grief_is_focus(episode)
        and not episode.client.scheduled_measures.filter(
            context_id=episode.public_id, instrument="pg13r"
        ).exists()
    )
    context.update(
        schedule_rows=schedule.describe(rows),
        variant=variants.of(episode),
        schedule_form=schedule_form or forms.ScheduleForm(),
        invite_form=invite_form
        or forms.InvitationForm(
            initial={
                "when": forms.InvitationForm.NOW,
                "session_number": upcoming,
                "hours_before": settings.invitation_hours_before,
            }
        ),
        upcoming=upcoming,
        due=due,
        due_remote=schedule.remote_instruments(due),
        refusal=invitations.refusal(
            episode.client, [i.code for i in schedule.remote_instruments(due)]
        ),
        catalogue=[i for code, i in instruments.CATALOGUE.items()],
        scheduled_codes=scheduled_codes,
        grief_missing=grief_missing and "pg13r" in instruments.CATALOGUE,
        editable=editable,
        responses=response_page(request, episode),
        outcome=episode_charts(request, episode),
        invitation_list=links,
        valid_hours=settings.invitation_valid_hours,
    )
    return render(request, "ipt/measures/schedule.html", context, status=status)


@requires(Capability.VIEW_CLINICAL)
def measures_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, without_text=True)
    audit.record(request, "measures.response.listed", episode)
    return _page(request, episode)


@requires(Capability.VIEW_CLINICAL)
def measures_history(request: HttpRequest, public_id: uuid.UUID, code: str) -> HttpResponse:
    """Every score of one measure in the episode, events marked, its table paged."""
    episode = get_episode(request, public_id, without_text=True)
    if code not in instruments.CATALOGUE:
        raise Http404
    scores = charts.history(Response.objects.filter(context_id=episode.public_id), code)
    chart = charts.build(
        code,
        scores,
        caseness=caseness(thresholds(episode.client.clinic_id), code),
        session_dates=dict(episode.notes.values_list("number", "held_on")),
        events=_events(episode),
        chart_id="history",
        phases=chart_phases.for_episode(episode),
    )
    audit.record(request, "measures.outcomes.viewed", episode.client)
    context = episode_context(request, episode, "measures", **history_page(request, chart))
    return render(request, "ipt/measures/history.html", context)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def schedule_set(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    form = forms.ScheduleForm(request.POST)
    if not form.is_valid():
        return _page(request, episode, schedule_form=form, status=400)
    code, cadence = form.cleaned_data["instrument"], form.cleaned_data["cadence"]
    schedule.set_measure(episode.client, episode.public_id, code, cadence)
    audit.record(request, "measures.schedule.updated", episode, fields=["instrument", "cadence"])
    messages.success(request, _("Measurement schedule saved."))
    return redirect("ipt:measures", public_id=episode.public_id)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def schedule_remove(request: HttpRequest, public_id: uuid.UUID, code: str) -> HttpResponse:
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    if schedule.remove_measure(episode.public_id, code):
        audit.record(request, "measures.schedule.removed", episode, fields=["instrument"])
        messages.success(request, _("Removed from the schedule."))
    return redirect("ipt:measures", public_id=episode.public_id)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def schedule_defaults(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Add the defaults the episode lacks now (e.g. the grief measure once grief is the focus)."""
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    added = episode_services.apply_measure_defaults(episode)
    if added:
        audit.record(request, "measures.schedule.updated", episode, fields=["instrument"])
    messages.success(request, _("Recommended questionnaires added to the schedule."))
    return redirect("ipt:measures", public_id=episode.public_id)


@require_POST
@requires(Capability.EDIT_CLINICAL)
def invite(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """ "Send questionnaires": one link for what the schedule asks before that session."""
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    form = forms.InvitationForm(request.POST)
    if not form.is_valid():
        return _page(request, episode, invite_form=form, status=400)
    number = form.cleaned_data["session_number"]
    contract = episode.current_contract
    due = schedule.due_instruments(
        episode.public_id, number, contract.planned_sessions if contract else None
    )
    try:
        invitation = invitations.create_invitation(
            episode.client,
            due=due,
            send_at=form.send_at(),
            context_id=episode.public_id,
            session_number=number,
            created_by=request.user,
        )
    except invitations.InvitationRefused as refused:
        form.add_error(None, str(refused))
        return _page(request, episode, invite_form=form, status=400)
    audit.record(
        request, "measures.invitation.created", invitation, fields=["instruments", "send_at"]
    )
    messages.success(request, _invitation_message(invitation.send_at))
    return redirect("ipt:measures", public_id=episode.public_id)


def _invitation_message(send_at: datetime) -> str:
    """Say what happens: "on its way" for now, the time (in the reader's zone, named) for later."""
    if send_at <= timezone.now():
        return _("Questionnaire link on its way: the e-mail goes out within a few minutes.")
    return _("Questionnaire link scheduled: the e-mail goes out on %(when)s (%(zone)s).") % {
        "when": formats.date_format(timezone.localtime(send_at), "l j F Y, H:i"),
        "zone": timezone.get_current_timezone_name(),
    }


@requires(Capability.EDIT_CLINICAL)
def enter(request: HttpRequest, public_id: uuid.UUID, code: str) -> HttpResponse:
    """In-session completion on the client's behalf (clinician-rated scales: rated here)."""
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    instrument = instruments.CATALOGUE.get(code)
    if instrument is None:
        raise Http404
    context = episode_context(request, episode, "measures", instrument=instrument)
    number_form = forms.SessionNumberForm(
        request.POST or None,
        initial={"session_number": next_session(episode, context["sessions_held"])},
    )
    # variants.md §2.3: a parent-report questionnaire records which parent answered it.
    respondent_form = family.respondent_form(instrument, episode, request.POST or None)
    if request.method == "POST":
        built = forms.sections([code], request.POST)
        # Unanswered questions with a safety answer: stored incomplete, alerted, completed
        # later (safety.md §5.1); anything else invalid stores nothing.
        respondent_ok = respondent_form is None or respondent_form.is_valid()
        if number_form.is_valid() and respondent_ok and forms.verdict(built) != forms.ERRORS:
            session_number = number_form.cleaned_data["session_number"]
            return _record_in_session(
                request,
                episode,
                built[0],
                session_number,
                context,
                respondent=respondent_form.cleaned_data["answered_by"] if respondent_form else None,
            )
    else:
        built = forms.sections([code])
    context.update(
        respondent_form=respondent_form,
        sections=built,
        has_errors=forms.has_errors(built),
        form=number_form,
        safety=any(section.hits for section in built),
        crisis_resources=episode.client.clinic.crisis_resources,
    )
    return render(request, "ipt/measures/enter.html", context)


@requires(Capability.EDIT_CLINICAL)
def complete(request: HttpRequest, public_id: uuid.UUID, response_id: uuid.UUID) -> HttpResponse:
    """The rest of an incomplete response (in session, or one begun on a link): only the
    questions still unanswered are asked; the answers given stand (a change is a correction)."""
    episode = get_episode(request, public_id, Capability.EDIT_CLINICAL)
    pending = get_object_or_404(
        Response.objects.filter(
            client=episode.client,
            context_id=episode.public_id,
            complete=False,
            completed_by__isnull=True,
        ).select_related("invitation"),
        public_id=response_id,
    )
    instrument = instruments.CATALOGUE.get(pending.instrument)
    if instrument is None:
        raise Http404
    code = instrument.code
    context = episode_context(request, episode, "measures", instrument=instrument, pending=pending)
    given = {code: pending.answers}
    alerted = {code: services.alerted_answers(pending)}
    if request.method == "POST":
        built = forms.sections([code], request.POST, given=given, alerted=alerted)
        if forms.verdict(built) != forms.ERRORS:
            return _record_in_session(
                request, episode, built[0], pending.session_number, context, completes=pending
            )
    else:
        built = forms.sections([code], given=given, alerted=alerted)
        audit.record(request, "measures.response.viewed", pending)
    context.update(
        sections=built,
        has_errors=forms.has_errors(built),
        show_given=True,
        safety=True,  # it was stored incomplete for its safety answer
        crisis_resources=episode.client.clinic.crisis_resources,
    )
    return render(request, "ipt/measures/complete.html", context)


def _record_in_session(
    request: HttpRequest,
    episode: Episode,
    section: forms.Section,
    session_number: int | None,
    context: dict[str, Any],
    *,
    completes: Response | None = None,
    respondent: Any = None,
) -> HttpResponse:
    instrument = section.instrument
    mode = Response.Mode.CLINICIAN_RATED if instrument.clinician_rated else Response.Mode.IN_SESSION
    try:
        with transaction.atomic():
            response = services.record_response(
                client=episode.client,
                instrument_code=instrument.code,
                answers=section.answers,
                mode=mode,
                entered_by=request.user,
                context_id=episode.public_id,
                session_number=session_number,
                completes=completes,
                allow_incomplete=True,
            )
            audit.record(request, "measures.response.entered", response, fields=["answers"])
            if respondent is not None:
                family.record_respondent(response, respondent, by=request.user)
                audit.record(
                    request, "ipt.response_respondent.recorded", episode, fields=["participant"]
                )
            if completes is not None and completes.invitation is not None:
                # Begun on a link: once nothing remains, the link closes (410).
                invitations.close_if_finished(completes.invitation)
    except (services.AlreadyCompleted, IntegrityError):
        messages.info(request, _("This response was completed meanwhile; nothing was recorded."))
        return redirect("ipt:measures", public_id=episode.public_id)
    # safety.md §5.1 step 1: in session too, the crisis resources show at once.
    context.update(
        response=response,
        response_unanswered=len(section.unanswered),
        safety=bool(section.hits) or response.alerts.exists(),
        crisis_resources=episode.client.clinic.crisis_resources,
    )
    return render(request, "ipt/measures/entered.html", context)
