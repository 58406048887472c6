"""A guardian's portal view reads what is shared from the parent's participant record on
the episode (issue 15 item 2; variants.md §1.4, §1.6; docs/portal.md "guardian")."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from rapport.core.models import AuditEvent
from rapport.ipt.models import Participant
from tests.factories import (
    csrf_post,
    make_client,
    make_episode,
    make_portal_account,
    portal_signed_in,
    signed_in,
)
from tests.portal import plan_helpers as h

PLAN = "/portal/plan/"


@pytest.fixture
def linked(cast: SimpleNamespace) -> SimpleNamespace:
    episode = h.plan_episode(cast.episode)
    h.approve_summary(episode)
    h.agree_contract(episode)
    h.write_safety_plan(episode)
    # The episode's own copy says "share everything"; the participant record says less.
    h.share_with_guardian(episode, summary=True, contract=True, safety_plan=True)
    account = make_portal_account(
        cast.client, role="guardian", name="Pat Parent", relationship="mother"
    )
    parent = Participant.objects.create(
        episode=episode,
        role="parent_caregiver",
        name="Pat Parent",
        relationship="mother",
        contact="555 0104",
        may_receive_safety_plan=True,
        added_by=cast.therapist,
    )
    return SimpleNamespace(episode=episode, account=account, parent=parent)


def _link(cast: SimpleNamespace, linked: SimpleNamespace, value: str) -> object:
    url = reverse(
        "ipt:participant_portal", args=[linked.episode.public_id, linked.parent.public_id]
    )
    return csrf_post(signed_in(cast.therapist), url, {"portal_account": value})


def test_the_therapist_links_the_guardians_account_to_the_parent(
    cast: SimpleNamespace, linked: SimpleNamespace
) -> None:
    page = signed_in(cast.therapist).get(reverse("ipt:participants", args=[cast.episode.public_id]))
    assert "Pat Parent (mother)" in page.content.decode()
    response = _link(cast, linked, str(linked.account.public_id))
    assert response.status_code == 302
    linked.parent.refresh_from_db()
    assert linked.parent.portal_account == linked.account
    assert AuditEvent.objects.filter(action="ipt.participant.portal_linked").exists()
    _link(cast, linked, "")
    linked.parent.refresh_from_db()
    assert linked.parent.portal_account is None


def test_another_clients_account_cannot_be_linked(
    cast: SimpleNamespace, linked: SimpleNamespace
) -> None:
    stranger = make_portal_account(make_client(cast.clinic, cast.therapist), role="guardian")
    _link(cast, linked, str(stranger.public_id))
    linked.parent.refresh_from_db()
    assert linked.parent.portal_account is None


def test_another_episodes_participant_is_not_found(
    cast: SimpleNamespace, linked: SimpleNamespace
) -> None:
    elsewhere = Participant.objects.create(
        episode=make_episode(make_client(cast.clinic, cast.therapist)),
        role="parent_caregiver",
        name="Other Parent",
        relationship="father",
        contact="x",
        added_by=cast.therapist,
    )
    url = reverse("ipt:participant_portal", args=[linked.episode.public_id, elsewhere.public_id])
    response = csrf_post(signed_in(cast.therapist), url, {"portal_account": ""})
    assert response.status_code == 404


def test_a_linked_guardian_sees_what_the_participant_record_shares(
    cast: SimpleNamespace, linked: SimpleNamespace
) -> None:
    guardian = portal_signed_in(linked.account)
    before = guardian.get(PLAN).content.decode()
    assert h.SUMMARY in before  # not linked yet: the episode's sharing
    linked.parent.portal_account = linked.account
    linked.parent.save(update_fields=["portal_account"])
    html = guardian.get(PLAN).content.decode()
    assert h.SUMMARY not in html  # progress is not shared with this parent
    assert h.MISSED_POLICY not in html  # nor attendance (the contract)
    assert guardian.get(reverse("portal:plan_safety_plan")).status_code == 200
    linked.parent.may_receive_progress = True
    linked.parent.may_receive_attendance = True
    linked.parent.save(update_fields=["may_receive_progress", "may_receive_attendance"])
    html = guardian.get(PLAN).content.decode()
    assert h.SUMMARY in html
    assert h.MISSED_POLICY in html


def test_a_removed_participant_shares_nothing(
    cast: SimpleNamespace, linked: SimpleNamespace
) -> None:
    linked.parent.portal_account = linked.account
    linked.parent.save(update_fields=["portal_account"])
    linked.parent.remove(cast.therapist)
    guardian = portal_signed_in(linked.account)
    html = guardian.get(PLAN).content.decode()
    assert h.SUMMARY not in html
    assert "Nothing has been shared with you yet." in html
    assert guardian.get(reverse("portal:plan_safety_plan")).status_code == 404
