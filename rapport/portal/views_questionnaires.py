"""Questionnaires, progress and after the course in the portal (issue 11 items 3 and 7).

Questionnaires due are the client's open invitations, answered here through the
very flow of the e-mailed link (``measures.answering``): the same engine, the same
safety workflow (safety.md §5.1: crisis resources at once, an alert for the
therapist, a partial answer with a safety answer stored), and the same single use,
so the e-mailed link stops working once answered here, and the other way round.

Every page is the client's own (``PORTAL_OWN``): a guardian gets 403.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from rapport.clients.models import Client
from rapport.core import audit
from rapport.core.access import Capability
from rapport.ipt.catalogue import EpisodeType
from rapport.ipt.models import Episode, MaintenancePlan
from rapport.measures import answering, charts, forms, instruments, self_checks
from rapport.measures.instruments.base import Band
from rapport.measures.models import Invitation, MeasuresSettings, Response, SafetyAlert, SelfCheck
from rapport.measures.safety import is_active_therapist
from rapport.portal.access import portal_client, portal_view
from rapport.portal.due import DueItem, due_source

OWN = Capability.PORTAL_OWN


def _road(request: HttpRequest) -> answering.Road:
    """The portal's way through the link's flow: recorded as answered in the portal,
    audited with the client's portal account as the actor."""
    return answering.Road(Response.Mode.PORTAL, "measures.response.submitted_in_portal", request)


def due_invitations(request: HttpRequest) -> list[Invitation]:
    """Sent, unexpired invitations: open, or unfinished (the rest of a partial answer)."""
    found = Invitation.objects.visible_to(request.user, OWN).filter(
        status=Invitation.Status.SENT, expires_at__gt=timezone.now()
    )
    return list(found.order_by("expires_at", "pk"))


def titles(invitation: Invitation) -> str:
    known = [instruments.CATALOGUE.get(code) for code in invitation.instruments]
    return ", ".join(str(found.short_title) for found in known if found)


# ---------------------------------------------------------------- questionnaires


@portal_view(OWN)
def questionnaires(request: HttpRequest) -> HttpResponse:
    client = portal_client(request, OWN)
    due = due_invitations(request)
    context = {
        "client": client,
        "due": [
            {"invitation": i, "titles": titles(i), "started": i.used_at is not None} for i in due
        ],
        "history": scores_shown(client),
        "after_course": course_of(request, client).after,
    }
    return render(request, "portal/questionnaires/list.html", context)


@never_cache
@portal_view(OWN)
def questionnaire(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    invitation = get_object_or_404(
        Invitation.objects.visible_to(request.user, OWN).select_related("client__clinic"),
        public_id=public_id,
    )
    data = request.POST if request.method == "POST" else None
    step = answering.step(invitation, data, _road(request))
    if step.page == answering.DONE:
        return redirect("portal:questionnaire_done", public_id=invitation.public_id)
    if step.page == answering.CLOSED:
        return render(
            request,
            "portal/questionnaires/closed.html",
            {"state": step.state, "safety": step.safety},
        )
    context = {
        "invitation": invitation,
        "step": step,
        "sections": step.sections,
        "has_errors": step.has_errors,
        "question_count": step.question_count,
        "safety": step.safety,
        "rest": step.page == answering.REST,
        "expires_at": invitation.expires_at,
    }
    return render(request, "portal/questionnaires/form.html", context)


@portal_view(OWN)
def questionnaire_done(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    invitation = get_object_or_404(
        Invitation.objects.visible_to(request.user, OWN), public_id=public_id
    )
    # Any safety answer given with this invitation shows the crisis resources again.
    safety = SafetyAlert.objects.filter(response__invitation=invitation).exists()
    return render(request, "portal/questionnaires/done.html", {"safety": safety})


@due_source(guardian=False)
def questionnaires_due(request: HttpRequest, client: Any) -> list[DueItem]:
    items = []
    for invitation in due_invitations(request):
        label = (
            _("Finish your questionnaires (%(titles)s)")
            if invitation.used_at
            else _("Answer your questionnaires (%(titles)s)")
        ) % {"titles": titles(invitation)}
        url = reverse("portal:questionnaire", args=[invitation.public_id])
        items.append(DueItem(label, url, "questionnaire"))
    return items


# ---------------------------------------------------------------- progress

# Plain words for the bands, mildest first (no clinical terms in front of the client).
PLAIN_BANDS = {
    "phq9": (
        gettext_lazy("few or no symptoms"),
        gettext_lazy("mild"),
        gettext_lazy("moderate"),
        gettext_lazy("quite a lot"),
        gettext_lazy("a lot"),
    ),
    "gad7": (
        gettext_lazy("few or no symptoms"),
        gettext_lazy("mild"),
        gettext_lazy("moderate"),
        gettext_lazy("a lot"),
    ),
}
PLAIN_BANDS["phqa"] = PLAIN_BANDS["phq9"]
PLAIN_TITLES = {
    "phq9": gettext_lazy("Mood (PHQ-9)"),
    "phqa": gettext_lazy("Mood (PHQ-A)"),
    "gad7": gettext_lazy("Worry and anxiety (GAD-7)"),
}


def scores_shown(client: Client) -> bool:
    """The clinic's setting: clients see their own score history (off by default)."""
    found = MeasuresSettings.objects.filter(clinic_id=client.clinic_id)
    return bool(found.values_list("portal_score_history", flat=True).first())


def plain_bands(code: str) -> list[Band]:
    words = PLAIN_BANDS[code]
    ordered = sorted(instruments.get(code).bands, key=lambda band: band.minimum)
    return [Band(band.minimum, band.maximum, str(words[n])) for n, band in enumerate(ordered)]


@dataclass
class PlainRow:
    day: Any
    total: int
    band: str
    change: int | None
    imported: bool = False  # brought in from earlier records, not answered here


@dataclass
class PlainChart:
    code: str
    title: str
    svg: Any
    rows: list[PlainRow]
    count: int


def plain_chart(series: charts.Series) -> PlainChart:
    """One measure as the client sees it: plain bands, no threshold lines, a data table."""
    code = series.code
    bands = plain_bands(code)

    def words(total: int) -> str:
        return next((b.label for b in bands if b.minimum <= total <= b.maximum), "")

    points = [
        charts.Point(timezone.localdate(r.submitted_at), r.total, words(r.total))
        for r in series.responses
    ]
    window = series.count > len(points)
    baseline, shown = (points[0], points[1:]) if window else (None, points)
    title = str(PLAIN_TITLES[code])
    svg = charts.render(
        title=title,
        maximum=instruments.get(code).max_total,
        bands=bands,
        caseness=None,
        points=shown,
        chart_id=f"progress-{code}",
        baseline=baseline,
        of=series.count,
        plain=True,
    )
    first = points[0].total if points else 0
    rows = [
        PlainRow(p.x, p.total, p.band, None if n == 0 else p.total - first, r.imported)
        for n, (p, r) in enumerate(zip(points, series.responses, strict=True))
    ]
    return PlainChart(code, title, svg, list(reversed(rows)), series.count)


@portal_view(OWN)
def progress(request: HttpRequest) -> HttpResponse:
    client = portal_client(request, OWN)
    shown = scores_shown(client)
    built = []
    if shown:
        mine = Response.objects.visible_to(request.user, OWN)
        series = charts.windowed(mine.filter(instrument__in=list(PLAIN_BANDS)))
        built = [plain_chart(item) for item in series]
        if built:
            audit.record(request, "measures.outcomes.viewed_in_portal", client, fields=["scores"])
    return render(request, "portal/questionnaires/progress.html", {"shown": shown, "charts": built})


# ---------------------------------------------------------------- after the course


@dataclass
class Course:
    """Where the client stands: ``after`` the course (closed, or in maintenance)."""

    after: bool
    finished: Episode | None = None  # the course whose last score a self-check compares with
    maintenance: Episode | None = None  # the maintenance episode now running, if any
    plan: MaintenancePlan | None = None


def course_of(request: HttpRequest, client: Client) -> Course:
    """Two queries: the client's episodes, and the newest maintenance plan among them."""
    episodes = list(
        Episode.objects.visible_to(request.user, OWN)
        .only("pk", "public_id", "status", "episode_type", "closed_on", "started_on")
        .order_by("-started_on", "-pk")
    )
    active = next((e for e in episodes if e.status == Episode.Status.ACTIVE), None)
    if active is not None and active.episode_type != EpisodeType.MAINTENANCE:
        return Course(after=False)
    closed = [e for e in episodes if e.status == Episode.Status.CLOSED]
    if active is None and not closed:
        return Course(after=False)
    plan = (
        MaintenancePlan.objects.visible_to(request.user, OWN)
        .filter(episode__in=[e.pk for e in episodes])
        .order_by("-episode__started_on", "-pk")
        .first()
    )
    return Course(True, closed[0] if closed else None, active, plan)


@due_source(guardian=False)
def after_course_due(request: HttpRequest, client: Any) -> list[DueItem]:
    if not course_of(request, client).after:
        return []
    label = _("Your plan for after the course, and a check-in when things feel harder")
    return [DueItem(label, reverse("portal:after_course"), "after_course")]


@portal_view(OWN)
def after_course(request: HttpRequest) -> HttpResponse:
    client = portal_client(request, OWN)
    course = course_of(request, client)
    if course.plan is not None:
        audit.record(request, "ipt.maintenance_plan.viewed_in_portal", course.plan)
    last = SelfCheck.objects.visible_to(request.user, OWN).first()
    context = {"course": course, "plan": course.plan, "last_check": last}
    return render(request, "portal/questionnaires/after_course.html", context)


@never_cache
@portal_view(OWN)
def self_check(request: HttpRequest) -> HttpResponse:
    """The "things are slipping" check: a PHQ-9 now, compared with the end of the course."""
    client = portal_client(request, OWN)
    course = course_of(request, client)
    if not course.after:
        messages.info(request, _("The check-in is for after your course has ended."))
        return redirect("portal:after_course")
    if request.method == "POST":
        built = forms.sections([self_checks.CODE], request.POST)
        if forms.verdict(built) != forms.ERRORS:
            check = self_checks.record(
                client,
                built[0],
                course_id=course.finished.public_id if course.finished else None,
                context_id=course.maintenance.public_id if course.maintenance else None,
                request=request,
            )
            return redirect("portal:self_check_result", public_id=check.public_id)
    else:
        built = forms.sections([self_checks.CODE])
    context = {
        "sections": built,
        "has_errors": forms.has_errors(built),
        "question_count": forms.question_count(built),
        # An answer off the scale stores nothing, but a safety answer still shows help.
        "safety": any(section.hits for section in built),
    }
    return render(request, "portal/questionnaires/self_check.html", context)


def _my_check(request: HttpRequest, public_id: uuid.UUID) -> SelfCheck:
    return get_object_or_404(
        SelfCheck.objects.visible_to(request.user, OWN).select_related("response"),
        public_id=public_id,
    )


@portal_view(OWN)
def self_check_result(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    check = _my_check(request, public_id)
    context = {
        "check": check,
        "safety": self_checks.SAFETY in check.reasons,
        "positive": check.positive,
        # Without a therapist the clinic's staff are told instead: the page says so.
        "has_therapist": is_active_therapist(check.client.assigned_therapist, check.client.clinic),
    }
    return render(request, "portal/questionnaires/self_check_result.html", context)


@require_POST
@portal_view(OWN)
def booster_request(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    check = _my_check(request, public_id)
    if self_checks.request_booster(check, request):
        messages.success(
            request,
            _(
                "Your request for a booster session has been sent. The clinic will contact "
                "you to arrange it."
            ),
        )
    else:
        messages.info(request, _("You have already asked for a booster session."))
    return redirect("portal:self_check_result", public_id=check.public_id)
