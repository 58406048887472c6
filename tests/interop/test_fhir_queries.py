"""A search page costs the same few queries however many rows it holds (no N+1),
and an Encounter search never reads a session note's text columns."""

from __future__ import annotations

from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from rapport.measures.models import Response
from rapport.measures.services import record_response
from tests.factories import make_note
from tests.interop.fhir_helpers import bearer, issue_key, phq9

TYPES = ("Observation", "QuestionnaireResponse", "Encounter", "Patient", "EpisodeOfCare")


def _add_rows(cast, count: int, first_number: int) -> None:
    for n in range(count):
        record_response(
            client=cast.client,
            instrument_code="phq9",
            answers=phq9(others=n % 4),
            mode=Response.Mode.IN_SESSION,
            entered_by=cast.therapist,
        )
        make_note(cast.episode, number=first_number + n)


def _queries(http: HttpClient, raw: str, kind: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        answer = http.get(f"/fhir/{kind}", {"_count": "100"}, **bearer(raw))
    assert answer.status_code == 200
    return len(captured), [q["sql"] for q in captured.captured_queries]


def test_a_page_of_many_rows_costs_what_a_page_of_few_does(cast) -> None:
    _key, raw = issue_key(cast)
    http = HttpClient()
    _add_rows(cast, 2, first_number=2)
    few = {kind: _queries(http, raw, kind)[0] for kind in TYPES}
    _add_rows(cast, 25, first_number=10)
    many = {kind: _queries(http, raw, kind)[0] for kind in TYPES}
    assert many == few
    assert max(many.values()) <= 10


def test_an_encounter_search_reads_no_note_text(cast) -> None:
    _key, raw = issue_key(cast)
    _count, sql = _queries(HttpClient(), raw, "Encounter")
    note_sql = " ".join(q for q in sql if "ipt_sessionnote" in q)
    for column in ("symptom_review", "problem_area_work", "interval_events", "signed_snapshot"):
        assert column not in note_sql
