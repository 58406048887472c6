"""The alert list pages the acknowledged alerts and decrypts no risk assessment."""

from __future__ import annotations

from types import SimpleNamespace

from django.urls import reverse

from rapport.measures.views.alerts import SHOWN_DONE
from tests.factories import signed_in
from tests.history import acknowledged_alerts
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
