"""Site figures without cookies: page views, form starts and completions per page and day.

Counted on the server as each public page is served, so no cookie, address,
third party or visitor key is involved; a signed-in staff member previewing the
site is not counted. A form start needs the page's script (a beacon on the first
keystroke); without it a visit counts as a view only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import TruncDate
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from rapport.core.models import Clinic
from rapport.intake.models import ConsultationRequest, SiteFigure

CONSULTATION = "consultation"
COUNTED_VIEWS = {"home", "page", CONSULTATION}


def page_key(url_name: str, kwargs: dict[str, Any]) -> str:
    return f"about/{kwargs['slug']}" if url_name == "page" else url_name


def count(clinic: Clinic, page: str, field: str, day: date | None = None) -> None:
    """Add one to ``field`` of the page's row for the clinic's day (created on first use)."""
    day = day or timezone.localdate(timezone=clinic.zone)
    rows = SiteFigure.objects.filter(clinic=clinic, day=day, page=page[:80])
    if rows.update(**{field: F(field) + 1}):
        return
    try:
        with transaction.atomic():
            SiteFigure.objects.create(clinic=clinic, day=day, page=page[:80], **{field: 1})
    except IntegrityError:  # another request created it first
        rows.update(**{field: F(field) + 1})


def public_clinic() -> Clinic | None:
    # One practice per install serves the public site (as its pages do).
    return Clinic.objects.order_by("pk").first()


class SiteFiguresMiddleware:
    """Count each anonymous, successful GET of a public page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (
            request.method == "GET"
            and response.status_code == 200
            and match is not None
            and match.app_name == "intake"
            and match.url_name in COUNTED_VIEWS
            and not request.user.is_authenticated
        ):
            clinic = public_clinic()
            if clinic is not None:
                count(clinic, page_key(match.url_name, match.kwargs), "views")
        return response


@receiver(post_save, sender=ConsultationRequest, dispatch_uid="site_figures_completion")
def _request_stored(
    sender: Any, instance: ConsultationRequest, created: bool, **kwargs: Any
) -> None:
    if created:  # in the request's transaction: a rolled-back request counts nothing
        count(instance.clinic, CONSULTATION, "completions")


def figures(clinic: Clinic, since: date, until: date) -> dict[str, Any]:
    """Per page totals over the days, the day-by-day funnel, and the requests beside them."""
    rows = SiteFigure.objects.filter(clinic=clinic, day__gte=since, day__lte=until)
    pages = (
        rows.values("page")
        .annotate(views=Sum("views"), starts=Sum("starts"), completions=Sum("completions"))
        .order_by("-views", "page")
    )
    by_day = {
        row["day"]: row
        for row in rows.values("day").annotate(
            views=Sum("views"), starts=Sum("starts"), completions=Sum("completions")
        )
    }
    requests = dict(
        ConsultationRequest.objects.filter(
            clinic=clinic,
            created_at__date__gte=since - timedelta(days=1),
            created_at__date__lte=until + timedelta(days=1),
        )
        .annotate(day=TruncDate("created_at", tzinfo=clinic.zone))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    days = []
    day = until
    while day >= since:
        found = by_day.get(day, {})
        days.append(
            {
                "day": day,
                "views": found.get("views", 0),
                "starts": found.get("starts", 0),
                "completions": found.get("completions", 0),
                "requests": requests.get(day, 0),
            }
        )
        day -= timedelta(days=1)
    totals = {
        key: sum(d[key] for d in days) for key in ("views", "starts", "completions", "requests")
    }
    return {"pages": list(pages), "days": days, "totals": totals}
