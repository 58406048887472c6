"""The supervisor's view: each supervisee's figures, within the supervised reach only."""

from __future__ import annotations

from types import SimpleNamespace

from django.urls import reverse
from django.utils import timezone

from rapport.ipt.models import CosignReview, FidelityRating, SessionNote
from rapport.measures.models import Response
from tests.factories import make_client, make_episode, make_note, signed_in
from tests.measures.alerts_helpers import raise_alert
from tests.measures.charts_helpers import add_flag, add_response
from tests.page_cost import page_cost

URL = reverse("reports:supervision")


def _activity(cast: SimpleNamespace, client=None) -> None:
    """A client of the therapist with one of everything the supervisor watches."""
    client = client or cast.client
    episode = cast.episode if client == cast.client else make_episode(client)
    today = timezone.localdate()
    waiting = make_note(episode, 2, held_on=today, status=SessionNote.Status.AWAITING_COSIGN)
    FidelityRating.objects.create(note=waiting, in_phase="yes", on_focus="partly")
    returned = make_note(episode, 3, held_on=today, status=SessionNote.Status.DRAFT)
    CosignReview.objects.create(
        note=returned, supervisor=cast.supervisor, decision=CosignReview.Decision.RETURNED
    )
    raise_alert(client)
    add_flag(add_response(client, 20, session=4, context_id=episode.public_id))


def test_it_shows_each_supervisees_figures(cast: SimpleNamespace) -> None:
    _activity(cast)
    _activity(cast, make_client(cast.colleague.clinic, cast.colleague))  # not supervised
    page = signed_in(cast.supervisor).get(URL)
    assert page.status_code == 200
    [person] = page.context["people"]
    assert person.user == cast.therapist
    assert person.active == 1
    assert (person.open_alerts, person.awaiting_cosign, person.returned) == (1, 1, 1)
    assert person.not_on_track == [cast.client]
    [(month, rated, in_phase, on_focus)] = person.fidelity
    assert (rated, in_phase, on_focus) == (1, 100, 0)
    assert month.month == timezone.localdate().month
    body = page.content.decode()
    assert cast.client.display_name in body
    assert cast.colleague_client.display_name not in body


def test_its_queries_do_not_grow_with_the_caseload(cast: SimpleNamespace) -> None:
    _activity(cast)
    http = signed_in(cast.supervisor)
    before = page_cost(http, URL)
    for _ in range(3):
        _activity(cast, make_client(cast.clinic, cast.therapist))
    after = page_cost(http, URL)
    assert after.queries == before.queries
    assert Response.objects.count() > 4


def test_someone_who_supervises_no_one_is_told_so(cast: SimpleNamespace) -> None:
    cast.supervisor.supervisees_links.all().delete()
    page = signed_in(cast.supervisor).get(URL)
    assert "You supervise no one yet." in page.content.decode()


def test_the_dashboard_links_supervisors_to_it(cast: SimpleNamespace) -> None:
    assert URL.encode() in signed_in(cast.supervisor).get(reverse("core:dashboard")).content
    assert URL.encode() not in signed_in(cast.therapist).get(reverse("core:dashboard")).content
