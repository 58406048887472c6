"""The audit log pages by keyset: older and newer entries, never a count of the table."""

from __future__ import annotations

from types import SimpleNamespace

from django.urls import reverse

from rapport.core.models import AuditEvent
from rapport.core.views.audit_log import PAGE_SIZE
from tests.factories import signed_in
from tests.history import audit_events
from tests.page_cost import PageCost, page_cost

LOG = reverse("core:audit_log")


def mine_qs(cast: SimpleNamespace) -> str:
    return f"actor={cast.therapist.public_id}"


def ids(page) -> list[int]:
    return [row.event.pk for row in page.context["rows"]]


def test_it_walks_older_and_back_to_newer(cast: SimpleNamespace) -> None:
    audit_events(cast.clinic, cast.therapist, 2 * PAGE_SIZE + 10)
    http = signed_in(cast.admin)
    mine = {"actor": str(cast.therapist.public_id)}  # not the admin's own reads of the log
    newest = http.get(LOG, mine)
    first = ids(newest)
    assert len(first) == PAGE_SIZE
    assert first == sorted(first, reverse=True)
    body = newest.content.decode()
    assert '<span aria-current="page">Newest entries</span>' in body
    assert f'href="?{mine_qs(cast)}&amp;before={first[-1]}" rel="next">Older' in body
    assert "Newer" not in body
    older = http.get(LOG, mine | {"before": first[-1]})
    second = ids(older)
    assert second[0] < first[-1]
    assert len(second) == PAGE_SIZE
    body = older.content.decode()
    assert f'href="?{mine_qs(cast)}&amp;after={second[0]}" rel="prev">Newer' in body
    assert f'href="?{mine_qs(cast)}">Newest</a>' in body
    oldest = ids(http.get(LOG, mine | {"before": second[-1]}))
    assert oldest == list(
        AuditEvent.objects.filter(actor=cast.therapist, pk__lt=second[-1])
        .order_by("-pk")
        .values_list("pk", flat=True)
    )
    assert ids(http.get(LOG, mine | {"after": second[0]})) == first


def test_it_keeps_the_filters_across_pages(cast: SimpleNamespace) -> None:
    audit_events(cast.clinic, cast.therapist, PAGE_SIZE + 5, subject=cast.client)
    audit_events(cast.clinic, cast.intake, PAGE_SIZE + 5)
    http = signed_in(cast.admin)
    page = http.get(LOG, {"client": str(cast.client.public_id)})
    last = ids(page)[-1]
    link = f'href="?client={cast.client.public_id}&amp;before={last}" rel="next"'
    assert link in page.content.decode()
    older = http.get(LOG, {"client": str(cast.client.public_id), "before": last})
    assert {row.event.subject_id for row in older.context["rows"]} == {cast.client.public_id}


def test_it_ignores_a_cursor_that_is_not_a_number(cast: SimpleNamespace) -> None:
    audit_events(cast.clinic, cast.therapist, 3)
    http = signed_in(cast.admin)
    mine = {"actor": str(cast.therapist.public_id)}
    assert ids(http.get(LOG, mine | {"before": "x"})) == ids(http.get(LOG, mine))


def test_its_cost_is_pinned_and_flat(cast: SimpleNamespace) -> None:
    http = signed_in(cast.admin)
    audit_events(cast.clinic, cast.therapist, PAGE_SIZE + 1, subject=cast.client)
    small = page_cost(http, LOG)
    deep = ids(http.get(LOG))[-1]
    audit_events(cast.clinic, cast.therapist, 3000, subject=cast.client)
    assert page_cost(http, LOG) == small
    assert page_cost(http, f"{LOG}?before={deep}") == small
    # 1 session, 2 user, 3 OTP device, 4 clinic, 5 savepoint, 6 roles, 7 the clients
    # the filter offers (names only), 8 one page of events plus one (is there an older
    # page?) with their actors: no COUNT, no OFFSET, 9 audit insert, 10 the chain's head
    # and last check, 11 how many wait to be sealed (the partial index), 12 staff for
    # the filter, 13 release, 14-16 session save.
    assert small == PageCost(queries=16, decrypted=0)
