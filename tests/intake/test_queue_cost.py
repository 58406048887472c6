"""The intake queue and the intake dashboard read a clinic's waiting requests, a page at
a time, and decrypt none of their concerns."""

from __future__ import annotations

from types import SimpleNamespace

from django.urls import reverse

from rapport.intake.models import ConsultationRequest
from tests.factories import signed_in
from tests.history import consultation_requests
from tests.page_cost import PageCost, page_cost

QUEUE = reverse("intake:queue")
DASHBOARD = reverse("core:dashboard")
S = ConsultationRequest.Status


def test_the_queue_cost_is_pinned_and_flat(cast: SimpleNamespace) -> None:
    http = signed_in(cast.intake)
    consultation_requests(cast.clinic, 3)
    small = page_cost(http, QUEUE)
    consultation_requests(cast.clinic, 400)
    assert page_cost(http, QUEUE) == small
    assert page_cost(http, QUEUE + "?page=5") == small
    assert page_cost(http, QUEUE + "?status=all&page=2") == small
    # 1 session, 2 user, 3 OTP device, 4 clinic, 5 savepoint, 6 roles, 7 count,
    # 8 audit insert, 9 page of requests (attempts and held alert as subqueries),
    # 10 release, 11-13 session save.
    assert small == PageCost(queries=13, decrypted=0)


def test_its_pager_marks_the_current_page(cast: SimpleNamespace) -> None:
    consultation_requests(cast.clinic, 120)
    body = signed_in(cast.intake).get(QUEUE, {"page": 2}).content.decode()
    assert '<nav class="pagination" aria-label="Pages">' in body
    assert '<span aria-current="page">Page 2 of 3</span>' in body
    assert 'href="?page=1" rel="prev"' in body
    assert 'href="?page=3" rel="next"' in body


def test_the_intake_dashboard_cost_is_pinned_and_flat(cast: SimpleNamespace) -> None:
    http = signed_in(cast.intake)
    consultation_requests(cast.clinic, 3)
    small = page_cost(http, DASHBOARD)
    consultation_requests(cast.clinic, 300)
    ConsultationRequest.objects.filter(name__endswith="7").update(status=S.DECLINED)
    ConsultationRequest.objects.filter(name__endswith="3").update(urgent=True)
    assert page_cost(http, DASHBOARD) == small
    body = http.get(DASHBOARD).content.decode()
    new = ConsultationRequest.objects.filter(status=S.NEW)
    assert f'New consultation requests <span class="count">({new.count()})</span>' in body
    assert f"{new.filter(urgent=True).count()} urgent requests: contact today" in body
    # 1 session, 2 user, 3 OTP device, 4 clinic, 5 savepoint, 6 roles, 7 held alerts,
    # 8 booster requests to book (after-the-course check-ins), 9 check-ins from clients
    # with no therapist, 10 the clinic's appointments today and this week, 11 clients'
    # requests to reschedule, 12 open requests counted (new, urgent), 13 clinic's client
    # count; for the navigation's counts: 14 reschedule requests, 15 held alerts,
    # 16 booster requests and check-ins; 17 the five newest requests, 18 release,
    # 19-21 session save. No concern is decrypted.
    assert small == PageCost(queries=21, decrypted=0)
