"""One questionnaire link submitted twice at the same moment records once (issue 16).

Two real threads post the same link through the real view, with real
transactions, on whichever database the suite runs. On PostgreSQL both
submissions are held until each has found the link open, so only the
conditional UPDATE in ``invitations.mark_used`` stands between them and two
recorded responses. SQLite runs each request in one IMMEDIATE transaction, so
the second waits for the first to commit; the direct test below pins
``mark_used``'s own conditions there as well.
"""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse

from rapport.measures import invitations
from rapport.measures.models import Invitation, Response
from tests.measures.admin_helpers import (
    gad7,
    phq9,
    post_data,
    schedule_invitation,
    send_and_read_token,
)


def _sent_link(cast: SimpleNamespace) -> str:
    schedule_invitation(cast.client, cast.episode)
    return reverse("questionnaires:form", args=[send_and_read_token()])


@pytest.mark.django_db(transaction=True)
def test_it_records_one_of_two_simultaneous_submissions_of_one_link(
    cast: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _sent_link(cast)
    data = post_data({"phq9": phq9(rest=1), "gad7": gad7(1)})
    if connection.vendor == "postgresql":
        # Both requests have read the link as open before either takes it.
        both_read = threading.Barrier(2, timeout=20)
        take = invitations.mark_used

        def take_together(invitation: Invitation) -> bool:
            both_read.wait()
            return take(invitation)

        monkeypatch.setattr(invitations, "mark_used", take_together)
    start = threading.Barrier(2, timeout=20)
    statuses: list[int] = []

    def submit() -> None:
        try:
            start.wait()
            statuses.append(HttpClient().post(url, data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [200, 410]
    assert Response.objects.filter(instrument="phq9").count() == 1
    assert Response.objects.filter(instrument="gad7").count() == 1
    assert Invitation.objects.get().status == Invitation.Status.COMPLETED


def test_a_link_taken_by_one_submission_cannot_be_taken_by_another(cast: SimpleNamespace) -> None:
    _sent_link(cast)
    # Two requests that each loaded the link while it was still open.
    first, second = Invitation.objects.get(), Invitation.objects.get()
    assert invitations.mark_used(first) is True
    assert invitations.mark_used(second) is False
    assert Invitation.objects.get().status == Invitation.Status.COMPLETED
