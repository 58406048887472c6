"""Crash safety under kill -9 (issue 10, item 9; docs/operations.md, "Crash safety").

The app server and the worker are SIGKILLed at random points (a seeded plan)
while a therapist autosaves notes and books courses, clients answer questionnaire
links, and reminders and invitations fall due (tests/crash/harness.py). Afterwards:
every save a client was told succeeded is in the database as acknowledged, every
due reminder and invitation was written exactly once, and none went missing.

50 kills here, on SQLite and on PostgreSQL; ``make crash-test`` runs 1,000
(CRASH_KILLS and CRASH_SEED choose the run).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.crash import harness
from tests.factories import signed_in

pytestmark = pytest.mark.crash

KILLS = int(os.environ.get("CRASH_KILLS", "50"))
SEED = int(os.environ.get("CRASH_SEED", "20261130"))


def test_acknowledged_saves_survive_and_each_e_mail_goes_once_under_kill_9(
    transactional_db: None, tmp_path: Path
) -> None:
    world = harness.prepare(KILLS)
    http = signed_in(world.therapist)  # a committed session the app server accepts
    session = f"{settings.SESSION_COOKIE_NAME}={http.cookies[settings.SESSION_COOKIE_NAME].value}"

    report = harness.run(world, KILLS, SEED, tmp_path, session)
    print(report.summary())  # the kill count and what was checked (pytest -s, make crash-test)

    assert sum(report.kills.values()) == KILLS
    assert min(report.kills.values()) > 0, "both processes were killed"
    # The clients did their work through the crashes, with no unexpected answer.
    assert report.problems == []
    assert min(report.saves, report.submissions, report.bookings) > 0
    assert min(report.reminders, report.invitations) > 0
    # Nothing acknowledged was lost, no e-mail went twice, none due went unsent.
    assert report.lost_saves == []
    assert report.lost_submissions == []
    assert report.lost_bookings == []
    assert report.sent_twice == []
    assert report.not_sent == []
    # Delivery is at least once: the message a worker had handed to the mail server when
    # it was killed, before marking it sent, goes again, as the same message (Message-ID,
    # so mail clients show it once). A worker sends one at a time: one per kill at most.
    assert len(report.resent) <= report.kills["worker"], report.resent
