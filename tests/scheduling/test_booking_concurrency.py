"""Two people booking one slot at the same moment: one appointment, one clear error.

Real threads, real transactions (committed data), on whichever database the
suite runs (SQLite or PostgreSQL via DATABASE_URL). The overlap check is made
slow on purpose, so without the per-therapist lock both bookings would pass it
before either inserted.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection

from rapport.core.models import Role
from rapport.scheduling import booking
from rapport.scheduling.booking import SlotTaken
from rapport.scheduling.models import Appointment
from tests.factories import make_clinic, make_staff
from tests.scheduling.helpers_k import booked

SLOT = dt.datetime(2030, 6, 3, 9, tzinfo=dt.UTC)


@pytest.mark.django_db(transaction=True)
def test_it_books_one_slot_once_when_two_people_book_at_once(monkeypatch) -> None:
    clinic = make_clinic("Concurrent")
    therapist = make_staff(clinic, "busy_therapist", Role.THERAPIST)
    original = booking._check_free

    def slow_check(*args, **kwargs) -> None:
        original(*args, **kwargs)
        time.sleep(0.3)  # the race window: another booking would check now

    monkeypatch.setattr(booking, "_check_free", slow_check)
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def attempt() -> None:
        start.wait()
        try:
            outcomes.append(booked(therapist, SLOT))
        except SlotTaken as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert Appointment.objects.filter(therapist=therapist).count() == 1
    errors = [o for o in outcomes if isinstance(o, SlotTaken)]
    assert len(errors) == 1
    assert "already has an appointment at that time" in str(errors[0])
