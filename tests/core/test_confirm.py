"""Confirming a destructive act: the dialog's fallback page when JavaScript is off."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

from django.urls import reverse

from rapport.core.confirm import sign_question
from rapport.ipt.models import TimelineEvent
from tests.factories import csrf_post, signed_in

QUESTION = "Remove this event from the timeline? The removal is recorded."


def _event(cast: SimpleNamespace) -> TimelineEvent:
    return TimelineEvent.objects.create(
        episode=cast.episode, occurred_on=date(2026, 3, 1), title="Moved city"
    )


def _delete_url(cast: SimpleNamespace, event: TimelineEvent) -> str:
    return reverse(
        "ipt:timeline_event_delete",
        kwargs={"public_id": cast.episode.public_id, "event_id": event.public_id},
    )


def _timeline_form_field(cast: SimpleNamespace) -> str:
    url = reverse("ipt:timeline", kwargs={"public_id": cast.episode.public_id})
    html = signed_in(cast.therapist).get(url).content.decode()
    return re.search(r'name="_confirm" value="([^"]+)"', html).group(1)


def test_it_asks_on_a_page_when_the_form_arrives_unconfirmed(cast: SimpleNamespace) -> None:
    event = _event(cast)
    http = signed_in(cast.therapist)
    url = _delete_url(cast, event)
    response = csrf_post(http, url, {"_confirm": _timeline_form_field(cast)})
    assert response.status_code == 200
    html = response.content.decode()
    assert QUESTION in html
    assert f'action="{url}"' in html
    assert '<input type="hidden" name="_confirmed" value="1">' in html
    assert "Yes, continue" in html
    assert TimelineEvent.objects.filter(pk=event.pk).exists()  # nothing done yet


def test_it_acts_once_the_page_is_confirmed(cast: SimpleNamespace) -> None:
    event = _event(cast)
    http = signed_in(cast.therapist)
    data = {"_confirm": sign_question(QUESTION), "_confirmed": "1"}
    response = csrf_post(http, _delete_url(cast, event), data)
    assert response.status_code == 302
    assert not TimelineEvent.objects.filter(pk=event.pk).exists()


def test_it_carries_the_other_fields_to_the_confirmation_page(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    url = _delete_url(cast, _event(cast))
    data = {"_confirm": sign_question(QUESTION), "reason": ["a & b", "second"]}
    html = csrf_post(http, url, data).content.decode()
    assert '<input type="hidden" name="reason" value="a &amp; b">' in html
    assert '<input type="hidden" name="reason" value="second">' in html
    assert html.count('name="csrfmiddlewaretoken"') == 2  # the page's own form and sign-out


def test_it_ignores_a_question_it_did_not_sign(cast: SimpleNamespace) -> None:
    event = _event(cast)
    http = signed_in(cast.therapist)
    response = csrf_post(http, _delete_url(cast, event), {"_confirm": "Send money?:forged"})
    assert response.status_code == 302  # the view ran as before; no page shows a forged text
    assert not TimelineEvent.objects.filter(pk=event.pk).exists()


def test_it_leaves_the_answer_to_an_outsiders_post_to_the_view(cast: SimpleNamespace) -> None:
    event = _event(cast)
    http = signed_in(cast.outsider)
    data = {"_confirm": sign_question(QUESTION), "_confirmed": "1"}
    assert csrf_post(http, _delete_url(cast, event), data).status_code == 404
    assert TimelineEvent.objects.filter(pk=event.pk).exists()
