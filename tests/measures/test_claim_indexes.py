"""The invitation and escalation claims are served by their partial indexes, and an
episode's responses come in order from an index, not from a sort of every response."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from rapport.measures import escalation, invitations
from rapport.measures.models import Invitation, Response, SafetyAlert
from tests.measures.alerts_helpers import submit_phq9
from tests.query_plans import analyze, assert_uses_index, claim_query

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 8, 20, 12, tzinfo=dt.UTC)
ROWS = 4000


def _ago(n: int) -> dt.datetime:
    return NOW - dt.timedelta(minutes=n)


def test_it_claims_due_invitations_through_the_scheduled_due_index(cast) -> None:
    S = Invitation.Status
    statuses = [S.COMPLETED] * 5 + [S.EXPIRED, S.CANCELLED, S.SENT, S.SENT, S.SCHEDULED]
    with time_machine.travel(NOW, tick=False):
        query = claim_query(invitations.send_due_invitations)
        Invitation.objects.bulk_create(
            Invitation(
                client=cast.client,
                token_hash=f"{n:064x}",
                status=(status := statuses[n % 10]),
                send_at=_ago(-n if status == S.SCHEDULED else n),
                expires_at=_ago(n - 72 * 60),
            )
            for n in range(ROWS)
        )
        Invitation.objects.bulk_create(
            Invitation(client=cast.client, token_hash=f"due{n}", send_at=_ago(n), expires_at=NOW)
            for n in range(1, 4)
        )
        analyze(Invitation)
        assert_uses_index(query.explain(), "invitation_scheduled_due")


def test_it_claims_due_escalations_through_the_open_escalation_index(cast) -> None:
    A = SafetyAlert.Status
    with time_machine.travel(NOW, tick=False):
        query = claim_query(escalation.escalate_due_alerts)
        response = submit_phq9(cast.client, item9=0)

        def alert(status: str, escalate_at: dt.datetime | None, n: int) -> SafetyAlert:
            return SafetyAlert(
                clinic=cast.clinic,
                client=cast.client,
                response=response,
                instrument="phq9",
                item="q9",
                value=2,
                severity="high",
                created_at=_ago(n),
                status=status,
                escalate_at=escalate_at,
            )

        # Acknowledged alerts keep their last due time; open ones are due later, a few now.
        SafetyAlert.objects.bulk_create(
            alert(A.OPEN, _ago(-n), n) if n % 10 == 0 else alert(A.ACKNOWLEDGED, _ago(n), n)
            for n in range(ROWS)
        )
        SafetyAlert.objects.bulk_create(alert(A.OPEN, _ago(n), n) for n in range(1, 4))
        analyze(SafetyAlert)
        assert_uses_index(query.explain(), "alert_open_escalation_due")


def test_it_lists_an_episode_s_responses_in_order_from_the_episode_index(cast) -> None:
    other = submit_phq9(cast.colleague_client, item9=0)
    mine = submit_phq9(cast.client, item9=0)
    Response.objects.bulk_create(
        Response(
            clinic=cast.clinic,
            client=source.client,
            context_id=source.context_id if n % 20 == 1 else None,
            instrument="phq9",
            instrument_version=source.instrument_version,
            answers=source.answers,
            total=0,
            mode=Response.Mode.REMOTE,
            submitted_at=_ago(n),
        )
        for n in range(ROWS)
        for source in [mine if n % 2 else other]
    )
    analyze(Response)
    # The measures tab's list (newest first) and the charts (oldest first).
    episode = Response.objects.filter(client=cast.client, context_id=cast.episode.public_id)
    assert_uses_index(episode.order_by("-submitted_at", "-pk").explain(), "response_episode_order")
    assert_uses_index(episode.order_by("submitted_at", "pk").explain(), "response_episode_order")
