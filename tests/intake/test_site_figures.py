"""Site figures without cookies: what a practice reads on its funnel, and what is never kept."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import time_machine
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from rapport.intake.models import PublicPage, SiteFigure
from tests.factories import csrf_post, signed_in
from tests.intake.public_helpers import details, submit


def figure(page: str) -> SiteFigure:
    return SiteFigure.objects.get(page=page)


def test_anonymous_visits_count_per_page_without_a_cookie(cast: SimpleNamespace) -> None:
    PublicPage.objects.create(clinic=cast.clinic, slug="ipt", title="About IPT", body="Text")
    http = HttpClient()
    for _ in range(3):
        answer = http.get("/")
        assert settings.SESSION_COOKIE_NAME not in answer.cookies
    http.get(reverse("intake:page", kwargs={"slug": "ipt"}))
    http.get(reverse("intake:page", kwargs={"slug": "missing"}))  # 404: not counted
    assert figure("home").views == 3
    assert figure("about/ipt").views == 1
    assert not SiteFigure.objects.filter(page="about/missing").exists()
    # Only counts are stored: no address, no visitor key, no time of day.
    assert {f.name for f in SiteFigure._meta.get_fields()} == {
        "id",
        "clinic",
        "day",
        "page",
        "views",
        "starts",
        "completions",
    }


def test_staff_previewing_the_site_are_not_counted(cast: SimpleNamespace) -> None:
    signed_in(cast.admin).get("/")
    assert not SiteFigure.objects.exists()


def test_the_funnel_counts_views_starts_and_stored_requests(cast: SimpleNamespace) -> None:
    http = HttpClient(enforce_csrf_checks=True)
    http.get(reverse("intake:consultation"))
    csrf_post(http, reverse("intake:form_started"))
    submit(details(), http)
    submit(details(email="not-an-address"), http)  # refused: no completion
    row = figure("consultation")
    # Each submit fetches the form first, as a browser shows it before sending.
    assert (row.views, row.starts, row.completions) == (3, 1, 1)


def test_a_beacon_without_the_form_token_counts_nothing(cast: SimpleNamespace) -> None:
    answer = HttpClient(enforce_csrf_checks=True).post(reverse("intake:form_started"))
    assert answer.status_code == 403
    assert not SiteFigure.objects.filter(starts__gt=0).exists()


def test_days_follow_the_clinic_zone(cast: SimpleNamespace) -> None:
    # 02:30 UTC on 1 March is still 28 February in New York.
    with time_machine.travel(datetime(2026, 3, 1, 2, 30, tzinfo=UTC)):
        HttpClient().get("/")
    assert figure("home").day == date(2026, 2, 28)


def test_admins_read_the_figures_beside_the_requests(cast: SimpleNamespace) -> None:
    today = timezone.localdate(timezone=cast.clinic.zone)
    SiteFigure.objects.create(clinic=cast.clinic, day=today, page="home", views=40)
    SiteFigure.objects.create(
        clinic=cast.clinic, day=today, page="consultation", views=12, starts=5, completions=2
    )
    SiteFigure.objects.create(  # outside the 7-day period
        clinic=cast.clinic, day=today - timedelta(days=10), page="home", views=99
    )
    SiteFigure.objects.create(clinic=cast.outsider.clinic, day=today, page="home", views=1000)
    page = signed_in(cast.admin).get(reverse("intake:site_figures"), {"days": "7"})
    assert page.status_code == 200
    totals = page.context["totals"]
    assert (totals["views"], totals["starts"], totals["completions"]) == (52, 5, 2)
    assert len(page.context["days"]) == 7
    wide = signed_in(cast.admin).get(reverse("intake:site_figures"), {"days": "30"})
    assert wide.context["totals"]["views"] == 151
