"""Break-glass: a clinician opens a client beyond their reach, for a reason, for 4 hours,
to view only; process notes stay shut, admins are alerted, every page read is audited."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from rapport.clients.models import BreakGlassGrant
from rapport.core.models import AuditEvent, OutboundEmail
from rapport.ipt.models import ProcessNote
from tests.factories import (
    PROCESS_NOTE_SECRET,
    csrf_post,
    make_episode,
    make_note,
    signed_in,
)

FORM = reverse("clients:break_glass")
REVIEW = reverse("clients:break_glass_list")
REASON = "Client phoned in crisis and their therapist is on leave today."


def _ask(http: HttpClient, client: object, reason: str = REASON, **changes: str) -> object:
    data = {
        "given_name": client.given_name.upper(),  # names match whatever their case
        "family_name": client.family_name,
        "date_of_birth": client.date_of_birth.isoformat(),
        "reason": reason,
    }
    return csrf_post(http, FORM, data | changes)


def _detail(client: object) -> str:
    return reverse("clients:detail", args=[client.public_id])


def _clinical(client: object) -> str:
    return reverse("clients:clinical", args=[client.public_id])


def _opened(cast: SimpleNamespace) -> HttpClient:
    http = signed_in(cast.therapist)
    response = _ask(http, cast.colleague_client)
    assert response.status_code == 302
    assert response.url == _detail(cast.colleague_client)
    return http


def test_out_of_reach_is_404_without_a_grant(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    assert http.get(_detail(cast.colleague_client)).status_code == 404
    assert http.get(_clinical(cast.colleague_client)).status_code == 404


def test_a_reason_is_required_and_must_say_something(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    missing = _ask(http, cast.colleague_client, reason="   ")
    assert "Give the reason for emergency access." in missing.content.decode()
    short = _ask(http, cast.colleague_client, reason="urgent")
    assert "at least 20 characters" in short.content.decode()
    assert not BreakGlassGrant.objects.exists()
    assert http.get(_detail(cast.colleague_client)).status_code == 404


def test_the_client_must_be_named_exactly_and_misses_are_audited(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    # A partial name finds nothing: there is no search to browse the clinic's clients.
    partial = _ask(http, cast.colleague_client, family_name=cast.colleague_client.family_name[:4])
    assert "No client of this clinic has exactly that name" in partial.content.decode()
    # Another clinic's client is not found either.
    elsewhere = _ask(http, cast.outsider_client)
    assert "No client of this clinic" in elsewhere.content.decode()
    assert not BreakGlassGrant.objects.exists()
    refused = AuditEvent.objects.filter(action="clients.break_glass.refused", actor=cast.therapist)
    assert refused.count() == 2
    assert all(event.fields == ["no_match"] for event in refused)


def test_a_client_already_in_reach_needs_no_grant(cast: SimpleNamespace) -> None:
    response = _ask(signed_in(cast.therapist), cast.client)
    assert response.url == _detail(cast.client)
    assert not BreakGlassGrant.objects.exists()


def test_a_grant_opens_the_record_to_view_for_four_hours(cast: SimpleNamespace, settings) -> None:
    # The session's idle logoff is not what is under test: let it outlast the grant.
    settings.RAPPORT_SESSION_IDLE_SECONDS = 5 * 3600
    episode = make_episode(cast.colleague_client)
    episode_url = reverse("ipt:episode", args=[episode.public_id])
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        http = _opened(cast)
        page = http.get(_detail(cast.colleague_client))
        assert page.status_code == 200
        assert "Emergency access:" in page.content.decode()
        assert http.get(_clinical(cast.colleague_client)).status_code == 200
        assert http.get(episode_url).status_code == 200
        grant = BreakGlassGrant.objects.get()
        assert grant.expires_at - grant.opened_at == timedelta(hours=4)
        clock.move_to(start + timedelta(hours=3, minutes=59))
        assert http.get(_clinical(cast.colleague_client)).status_code == 200
        clock.move_to(start + timedelta(hours=4))
        assert http.get(_clinical(cast.colleague_client)).status_code == 404
        assert http.get(episode_url).status_code == 404


def test_the_grant_belongs_to_the_session_that_asked(cast: SimpleNamespace) -> None:
    http = _opened(cast)
    client = cast.colleague_client
    form = http.get(FORM).content.decode()
    assert client.display_name in form  # "your open emergency access"
    # Break-glass clients are not the user's caseload.
    dashboard = http.get(reverse("core:dashboard")).content.decode()
    assert "Your emergency access, open until" in dashboard
    assert f">{client.display_name}</a></li>" not in dashboard
    other_session = signed_in(cast.therapist)
    assert other_session.get(_detail(client)).status_code == 404
    assert client.display_name not in other_session.get(FORM).content.decode()


def test_a_grant_is_for_viewing_only(cast: SimpleNamespace) -> None:
    http = _opened(cast)
    client = cast.colleague_client
    edit = reverse("clients:clinical_edit", args=[client.public_id])
    assert http.get(edit).status_code == 404
    response = csrf_post(http, edit, {"background": "Overwritten", "version": client.version})
    assert response.status_code == 404
    client.refresh_from_db()
    assert client.background != "Overwritten"
    assert http.get(reverse("clients:edit", args=[client.public_id])).status_code == 404
    episode = make_episode(client)
    note = make_note(episode)
    # Safe methods only: a POST under the grant meets the role table alone.
    signing = csrf_post(http, reverse("ipt:note_sign", args=[note.public_id]))
    assert signing.status_code == 404


def test_process_notes_stay_404_even_for_their_former_author(cast: SimpleNamespace) -> None:
    episode = make_episode(cast.colleague_client)
    # The therapist once wrote this session's note and its process note, then the
    # client moved to the colleague: the therapist reaches neither any more.
    theirs = make_note(episode, 1, author=cast.therapist)
    ProcessNote.objects.create(note=theirs, author=cast.therapist, text=PROCESS_NOTE_SECRET)
    colleagues = make_note(episode, 2)
    ProcessNote.objects.create(note=colleagues, author=cast.colleague, text=PROCESS_NOTE_SECRET)
    http = _opened(cast)
    for note in (theirs, colleagues):
        assert http.get(reverse("ipt:note", args=[note.public_id])).status_code == 200
        page = reverse("ipt:process_note", args=[note.public_id])
        assert http.get(page).status_code == 404
    for note in (theirs, colleagues):
        body = http.get(reverse("ipt:note", args=[note.public_id])).content
        assert PROCESS_NOTE_SECRET.encode() not in body


def test_clinic_admins_are_alerted_at_once_without_phi(cast: SimpleNamespace) -> None:
    _opened(cast)
    grant = BreakGlassGrant.objects.get()
    emails = list(OutboundEmail.objects.all())
    # Every clinic admin (here, the one) and no other staff member is told.
    assert [email.recipient for email in emails] == [cast.admin.email]
    email = emails[0]
    assert reverse("clients:break_glass_review", args=[grant.public_id]) in email.text_body
    client = cast.colleague_client
    for secret in (client.given_name, client.family_name, REASON, str(client.public_id)):
        assert secret not in email.subject
        assert secret not in email.text_body
    # The admin's dashboard shows it open, linking to its review.
    dashboard = signed_in(cast.admin).get(reverse("core:dashboard")).content.decode()
    assert "Open:" in dashboard
    assert reverse("clients:break_glass_review", args=[grant.public_id]) in dashboard


def test_every_page_viewed_under_the_grant_is_audited(cast: SimpleNamespace) -> None:
    episode = make_episode(cast.colleague_client)
    http = _opened(cast)
    http.get(_detail(cast.colleague_client))
    http.get(_clinical(cast.colleague_client))
    http.get(reverse("ipt:episode", args=[episode.public_id]))
    # The therapist's own client is not viewed under break-glass.
    http.get(_detail(cast.client))
    grant = BreakGlassGrant.objects.get()
    views = AuditEvent.objects.filter(action="clients.break_glass.view").order_by("pk")
    assert [event.fields for event in views] == [
        ["clients:detail"],
        ["clients:clinical"],
        ["ipt:episode"],
    ]
    assert {event.subject_id for event in views} == {cast.colleague_client.public_id}
    assert {event.object_id for event in views} == {str(grant.public_id)}
    grant.refresh_from_db()
    assert grant.pages_viewed == 3
    opened = AuditEvent.objects.get(action="clients.break_glass.opened")
    assert opened.fields == ["reason"]


def test_the_review_list_shows_who_which_record_why_and_how_much(cast: SimpleNamespace) -> None:
    http = _opened(cast)
    http.get(_clinical(cast.colleague_client))
    grant = BreakGlassGrant.objects.get()
    admin = signed_in(cast.admin)
    body = admin.get(REVIEW).content.decode()
    assert cast.therapist.get_full_name() in body
    assert REASON in body
    assert str(cast.colleague_client.public_id)[:8] in body
    assert "<strong>Open</strong>" in body
    # An opaque reference only: no name, no clinical content.
    assert cast.colleague_client.family_name not in body
    detail = admin.get(reverse("clients:break_glass_review", args=[grant.public_id]))
    assert "clients:clinical" in detail.content.decode()
    assert cast.colleague_client.family_name not in detail.content.decode()
    # Clinicians do not review (403), and another clinic's admin cannot see it (404).
    assert signed_in(cast.therapist).get(REVIEW).status_code == 403


def test_an_admin_ends_an_open_access_early(cast: SimpleNamespace) -> None:
    http = _opened(cast)
    grant = BreakGlassGrant.objects.get()
    response = csrf_post(
        signed_in(cast.admin), reverse("clients:break_glass_end", args=[grant.public_id])
    )
    assert response.status_code == 302
    assert http.get(_detail(cast.colleague_client)).status_code == 404
    grant.refresh_from_db()
    assert grant.ended_by == cast.admin
    assert AuditEvent.objects.filter(action="clients.break_glass.ended").count() == 1
    assert "Ended" in signed_in(cast.admin).get(REVIEW).content.decode()


def test_supervisors_may_break_glass_but_admins_and_intake_may_not(cast: SimpleNamespace) -> None:
    http = signed_in(cast.supervisor)
    assert _ask(http, cast.colleague_client).status_code == 302
    assert http.get(_clinical(cast.colleague_client)).status_code == 200
    # The client does not join the supervisees' clients on the dashboard.
    dashboard = http.get(reverse("core:dashboard")).content.decode()
    assert cast.client.display_name in dashboard
    assert cast.colleague_client.display_name not in dashboard
    assert signed_in(cast.admin).get(FORM).status_code == 403
    assert signed_in(cast.intake).get(FORM).status_code == 403


def test_a_grant_never_carries_a_write_even_where_reading_suffices(cast: SimpleNamespace) -> None:
    # Acknowledging a safety alert asks only to view clinical records; under
    # break-glass the alert reads, but a POST meets the role table alone: the
    # alert is not even found.
    from tests.measures.alerts_helpers import raise_alert

    alert = raise_alert(cast.colleague_client)
    http = _opened(cast)
    assert http.get(reverse("measures:alert", args=[alert.public_id])).status_code == 200
    url = reverse("measures:alert_acknowledge", args=[alert.public_id])
    assert csrf_post(http, url, {"ideation": "Passive thoughts."}).status_code == 404
    alert.refresh_from_db()
    assert alert.ideation == ""


# Pages of several clients at once: a grant opens one client's own pages, never the group
# that client belongs to (docs/groups.md); the matrix lists them as client-scoped because
# a colleague outside the group gets 404.
SHARED_WITH_OTHERS = {"groups:detail", "groups:session"}


def _readable_by_viewers() -> list[str]:
    """Client-scoped pages of the authorization matrix that viewing alone opens (the
    supervisor's 200s): exactly what a grant extends."""
    from tests.test_authorization_matrix import CLIENT_SCOPED, EXPECTED

    return [
        name
        for name in CLIENT_SCOPED
        if EXPECTED[name].expected["supervisor"] == 200 and name not in SHARED_WITH_OTHERS
    ]


def _granted(cast: SimpleNamespace) -> SimpleNamespace:
    """The matrix's objects, on the granted client, whose therapist is the colleague."""
    episode = make_episode(cast.colleague_client)
    note = make_note(episode)
    ProcessNote.objects.create(note=note, author=cast.colleague, text=PROCESS_NOTE_SECRET)
    return SimpleNamespace(
        **(
            vars(cast)
            | {"therapist": cast.colleague, "colleague": cast.therapist}
            | {"client": cast.colleague_client, "episode": episode, "note": note}
        )
    )


@pytest.mark.parametrize("name", sorted(SHARED_WITH_OTHERS))
def test_a_grant_on_a_member_never_opens_their_group(name: str, cast: SimpleNamespace) -> None:
    from tests.test_authorization_matrix import EXPECTED

    url = reverse(name, kwargs=EXPECTED[name].kwargs(_granted(cast)))
    assert _opened(cast).get(url).status_code == 404


@pytest.mark.parametrize("name", _readable_by_viewers())
def test_every_client_page_read_under_the_grant_is_audited(
    name: str, cast: SimpleNamespace
) -> None:
    from tests.test_authorization_matrix import EXPECTED

    granted = _granted(cast)
    url = reverse(name, kwargs=EXPECTED[name].kwargs(granted))
    http = _opened(cast)
    response = http.get(url)
    assert response.status_code == 200, response.status_code
    assert PROCESS_NOTE_SECRET.encode() not in response.content
    view = AuditEvent.objects.get(action="clients.break_glass.view")
    assert view.fields == [name]
    assert view.subject_id == cast.colleague_client.public_id


def test_lists_and_dashboards_stay_as_the_role_table_draws_them(cast: SimpleNamespace) -> None:
    from tests.measures.alerts_helpers import raise_alert

    raise_alert(cast.colleague_client)
    http = _opened(cast)
    name = cast.colleague_client.display_name
    assert name not in http.get(reverse("clients:list")).content.decode()
    assert name not in http.get(reverse("measures:alerts")).content.decode()
    assert name not in http.get(reverse("core:dashboard")).content.decode()
    assert http.get(_detail(cast.colleague_client)).status_code == 200
    assert AuditEvent.objects.filter(action="clients.break_glass.view").count() == 1


def test_signing_out_ends_the_sessions_grant(cast: SimpleNamespace) -> None:
    http = _opened(cast)
    csrf_post(http, reverse("core:logout"))
    grant = BreakGlassGrant.objects.get()
    assert grant.ended_by == cast.therapist
    assert not grant.is_open()
    assert "Ended" in signed_in(cast.admin).get(REVIEW).content.decode()
