"""``manage.py seed_scale``: the synthetic practice the benchmark measures."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from rapport.clients.models import Client
from rapport.core.models import Role, User
from rapport.intake.models import ConsultationRequest
from rapport.ipt import note_measures
from rapport.ipt.models import Episode, SessionNote
from rapport.ipt.note_measures import as_recorded
from rapport.measures import engine, instruments
from rapport.measures.models import Response, ScheduledMeasure
from rapport.scale import seeding
from rapport.scheduling.models import Appointment, Reminder
from tests.factories import make_clinic, signed_in

FACTOR = 0.01  # 50 clients, 600 notes, 1,200 responses, 600 appointments, 25 requests
GIANT = seeding.GIANT_SESSIONS


def seed() -> seeding.SeedReport:
    return seeding.seed(FACTOR)


def test_it_seeds_the_promised_proportions(db) -> None:
    report = seed()
    clinic = report.clinic
    therapists = User.objects.filter(clinic=clinic, staff_roles__role=Role.THERAPIST)
    # One therapist (50 times 0.01 rounds below one) plus the supervisor, who also treats.
    assert therapists.count() == 2
    assert Client.objects.filter(clinic=clinic).count() == 50 + 1
    assert Episode.objects.filter(client__clinic=clinic).count() == 50 + 1
    notes = SessionNote.objects.filter(episode__client__clinic=clinic)
    assert notes.count() == 600 + GIANT
    assert notes.exclude(status=SessionNote.Status.SIGNED).count() == 0
    assert Response.objects.filter(clinic=clinic).count() == 2 * (600 + GIANT)
    assert Appointment.objects.filter(clinic=clinic).count() == 600 + GIANT
    assert Reminder.objects.filter(appointment__clinic=clinic).count() == 2 * (600 + GIANT)
    assert ConsultationRequest.objects.filter(clinic=clinic).count() == 25
    assert ConsultationRequest.objects.filter(clinic=clinic).open().count() == 5
    assert ScheduledMeasure.objects.filter(client__clinic=clinic).count() == 2 * (50 + 1)
    giant = Episode.objects.get(notes__number=GIANT)
    assert giant.notes.count() == GIANT
    assert Response.objects.filter(context_id=giant.public_id).count() == 2 * GIANT


def test_the_planner_sees_the_seeded_rows(db) -> None:
    # Benchmarks of a database the planner believes empty measure bad plans, not pages.
    seed()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'ipt_sessionnote'")
            assert cursor.fetchone()[0] >= 600 + GIANT
        else:  # as in a practice's file: SQLite gathers no statistics by itself
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone():
                cursor.execute("SELECT 1 FROM sqlite_stat1 WHERE tbl = 'ipt_sessionnote'")
                assert cursor.fetchone() is None


def test_its_scores_are_the_engines_and_its_text_is_encrypted_at_rest(db) -> None:
    seed()
    for response in Response.objects.all()[:200]:
        result = engine.score(instruments.get(response.instrument), response.answers)
        assert (response.total, response.band) == (result.total, result.band)
    # Nothing is due: the worker's cycle stays idle on a freshly seeded practice.
    due = Reminder.objects.filter(status=Reminder.Status.PENDING, send_at__lte=timezone.now())
    assert not due.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT symptom_review, problem_area_work FROM ipt_sessionnote")
        stored = cursor.fetchall()
        cursor.execute("SELECT background FROM clients_client")
        stored += cursor.fetchall()
    assert stored
    assert all(value.startswith("enc1:") for row in stored for value in row)
    note = SessionNote.objects.first()
    assert note.symptom_review in seeding.SYMPTOMS


def test_a_seeded_therapist_and_intake_coordinator_use_their_pages(db) -> None:
    seed()
    therapist = User.objects.get(username="scale-therapist-001")
    http = signed_in(therapist)
    client = Client.objects.filter(assigned_therapist=therapist).order_by("pk").first()
    episode = client.episodes.get()
    note = episode.notes.order_by("-number").first()
    pages = [
        "/dashboard/",
        "/clients/",
        f"/clients/{client.public_id}/clinical/",
        f"/episodes/{episode.public_id}/",
        f"/episodes/{episode.public_id}/notes/",
        f"/episodes/{episode.public_id}/measures/",
        f"/episodes/notes/{note.public_id}/",
        "/schedule/calendar/",
    ]
    for url in pages:
        assert http.get(url).status_code == 200, url
    intake = User.objects.get(username="scale-intake")
    assert signed_in(intake).get("/intake/requests/").status_code == 200


def test_a_seeded_signed_note_keeps_the_snapshot_its_signature_would_have_taken(db) -> None:
    seed()
    giant = Episode.objects.get(notes__number=GIANT)
    notes = SessionNote.objects.filter(episode__in=[Episode.objects.order_by("pk").first(), giant])
    for number in (1, 2, 3, 57, GIANT):
        for note in notes.filter(number=number).select_related("episode__client__clinic"):
            kept = json.loads(note.signed_snapshot)
            # The rebuild from what had been recorded by the end of the session day.
            assert kept == {"format": note_measures.SNAPSHOT_FORMAT, **as_recorded(note)}
            assert kept["measures"][0]["latest"]["session"] == number
    assert note_measures.for_note(note)["basis"] == note_measures.SIGNED  # not rebuilt


def fingerprint() -> tuple:
    """Everything but keys, public ids and insertion times."""
    clients = [
        (c.given_name, c.family_name, c.date_of_birth, c.background)
        for c in Client.objects.order_by("family_name", "given_name")
    ]
    notes = list(
        SessionNote.objects.order_by("episode__client__family_name", "number").values_list(
            "number", "held_on", "phase", "mood_rating"
        )
    )
    texts = [
        (n.symptom_review, n.between_session_plan)
        for n in SessionNote.objects.order_by("episode__client__family_name", "number")
    ]
    scores = list(
        Response.objects.order_by(
            "client__family_name", "session_number", "instrument"
        ).values_list("instrument", "total", "submitted_at")
    )
    requests = list(ConsultationRequest.objects.order_by("email").values_list("name", "status"))
    return clients, notes, texts, scores, requests


def test_it_writes_the_same_practice_every_time(db) -> None:
    prints = []
    for _ in range(2):
        with transaction.atomic():
            seed()
            prints.append(fingerprint())
            transaction.set_rollback(True)
    assert prints[0] == prints[1]
    assert len(prints[0][1]) == 600 + GIANT


def test_it_refuses_a_database_that_holds_a_clinic_unless_told(db) -> None:
    make_clinic("A real practice")
    with pytest.raises(CommandError, match="already holds a clinic"):
        call_command("seed_scale", "--factor", str(FACTOR), stdout=StringIO())
    assert not User.objects.filter(username__startswith="scale-").exists()
    out = StringIO()
    call_command(
        "seed_scale", "--factor", str(FACTOR), "--force-new-clinic", stdout=out, verbosity=0
    )
    assert "scale-therapist-001" in out.getvalue()
    assert seeding.BENCH_PASSWORD in out.getvalue()
    with pytest.raises(CommandError, match="already exists"):
        call_command("seed_scale", "--factor", str(FACTOR), "--force-new-clinic", stdout=out)
