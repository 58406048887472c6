"""The alert list pages the acknowledged alerts and those intake holds, and decrypts no
risk assessment."""

from __future__ import annotations

from types import SimpleNamespace

from django.urls import reverse

from rapport.measures.models import SafetyAlert
from rapport.measures.views.alerts import SHOWN_DONE
from tests.factories import signed_in
from tests.history import acknowledged_alerts
from tests.intake.queue_helpers import make_screened_request
from tests.measures.alerts_helpers import raise_alert
from tests.page_cost import PageCost, page_cost

ALERTS = reverse("measures:alerts")


def test_it_pages_the_acknowledged_alerts_latest_first(cast: SimpleNamespace) -> None:
    acknowledged_alerts(raise_alert(cast.client), SHOWN_DONE + 5)
    http = signed_in(cast.therapist)
    first = http.get(ALERTS)
    done = first.context["done"]
    assert len(done) == SHOWN_DONE
    assert done[0].acknowledged_at > done[-1].acknowledged_at
    body = first.content.decode()
    assert f'Acknowledged <span class="count">({SHOWN_DONE + 5})</span>' in body
    assert '<nav class="pagination" aria-label="Pages of acknowledged alerts">' in body
    assert '<span aria-current="page">Page 1 of 2</span>' in body
    assert len(http.get(ALERTS, {"page": 2}).context["done"]) == 5


def test_its_cost_is_pinned_and_flat(cast: SimpleNamespace) -> None:
    alert = raise_alert(cast.client)
    acknowledged_alerts(alert, 2)
    http = signed_in(cast.therapist)
    small = page_cost(http, ALERTS)
    acknowledged_alerts(alert, 300)
    assert page_cost(http, ALERTS) == small
    assert page_cost(http, ALERTS + "?page=4") == small
    # 1 session, 2 user, 3 OTP device, 4 clinic, 5 savepoint, 6 roles, 7 open alerts,
    # 8 acknowledged count, 9 a page of acknowledged alerts (a therapist holds no
    # request's alert: no query), 10 audit insert, 11 release, 12-14 session save.
    # Rows show who, severity and times: no risk assessment or background is decrypted.
    assert small == PageCost(queries=14, decrypted=0)


def test_intake_pages_the_alerts_it_holds_open_first(cast: SimpleNamespace) -> None:
    req = make_screened_request(cast.clinic, others=1, item9=2)
    acknowledged_alerts(SafetyAlert.objects.get(subject_id=req.public_id), SHOWN_DONE + 3)
    http = signed_in(cast.intake)
    first = http.get(ALERTS)
    assert first.context["held"][0].status == SafetyAlert.Status.OPEN
    body = first.content.decode()
    assert f'<span class="count">({SHOWN_DONE + 4})</span>' in body
    label = "Pages of alerts on consultation requests"
    assert f'<nav class="pagination" aria-label="{label}">' in body
    assert 'href="?held=2#held-heading" rel="next"' in body
    second = http.get(ALERTS, {"held": 2})
    assert len(second.context["held"]) == 4
    assert '<span aria-current="page">Page 2 of 2</span>' in second.content.decode()


def test_the_intake_list_cost_is_flat(cast: SimpleNamespace) -> None:
    req = make_screened_request(cast.clinic, others=1, item9=2)
    alert = SafetyAlert.objects.get(subject_id=req.public_id)
    http = signed_in(cast.intake)
    small = page_cost(http, ALERTS)
    acknowledged_alerts(alert, 300)
    assert page_cost(http, ALERTS) == small
    assert page_cost(http, ALERTS + "?held=5") == small
    assert small.decrypted == 0
