"""Reading FHIR QuestionnaireResponses: instrument, answers, stated totals, subjects, errors."""

from __future__ import annotations

import json
from datetime import date

from rapport.interop.imports import fhir_responses
from rapport.interop.imports.commit import preview as check_input
from rapport.interop.imports.matching import NOT_FOUND
from tests.interop.imports_helpers import bundle, by_id, phq9_response, verified

# Shaped like a published example that states a total of 13 where its answers add up to 10.
STATED_13 = [2, 2, 1, 1, 1, 1, 1, 1, 0]


def preview(user, text):
    return check_input(verified(user), "fhir", text)


def errors_of(checked):
    return [(e.row, e.column, e.message) for e in checked.errors]


def test_it_ignores_a_stated_total_and_keeps_the_engines(cast):
    resource = phq9_response(by_id(cast.client), STATED_13, stated_total=13)
    checked = preview(cast.therapist, json.dumps(resource))
    assert checked.ok, errors_of(checked)
    [row] = checked.rows
    assert row.result.total == 10
    assert row.result.band == "moderate"
    assert row.candidate.stated_total == 13
    assert row.stated_total_ignored


def test_it_reads_a_bundle_and_finds_patients_by_name_and_birth_date(cast):
    patient = {
        "resourceType": "Patient",
        "id": "elsewhere-17",
        "name": [{"family": cast.client.family_name, "given": [cast.client.given_name]}],
        "birthDate": "1990-01-01",
    }
    first = phq9_response({"reference": "Patient/elsewhere-17"}, [0] * 9, difficulty=None)
    second = phq9_response(
        {"reference": "Patient/elsewhere-17"}, [3] * 9, authored="2024-04-01T09:00:00+02:00"
    )
    checked = preview(cast.therapist, bundle(patient, first, second))
    assert checked.ok, errors_of(checked)
    assert [(r.candidate.source, r.client, r.result.total) for r in checked.rows] == [
        ("FHIR entry 2", cast.client, 0),
        ("FHIR entry 3", cast.client, 27),
    ]
    assert checked.rows[1].result.hits[0].item == "q9"


def test_it_reads_gad7_integer_answers_and_numbered_link_ids(cast):
    resource = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "http://loinc.org/q/69737-5",
        "status": "completed",
        "subject": {"identifier": {"value": str(cast.client.public_id)}},
        "authored": "2023-10-01",
        "item": [{"linkId": f"GAD.{n}", "answer": [{"valueInteger": 2}]} for n in range(1, 8)],
    }
    checked = preview(cast.therapist, json.dumps(resource))
    assert checked.ok, errors_of(checked)
    assert (checked.rows[0].instrument.code, checked.rows[0].result.total) == ("gad7", 14)
    assert checked.rows[0].day == date(2023, 10, 1)


def test_each_bad_entry_names_its_entry_and_element(cast):
    in_progress = phq9_response(by_id(cast.client), [0] * 9) | {"status": "in-progress"}
    odd_answer = phq9_response(by_id(cast.client), [0] * 9)
    odd_answer["item"][8]["answer"] = [{"valueCoding": {"code": "LA9999-9"}}]
    stranger = phq9_response(by_id(cast.outsider_client), [0] * 9)
    no_date = phq9_response(by_id(cast.client), [0] * 9)
    del no_date["authored"]
    checked = preview(cast.therapist, bundle(in_progress, odd_answer, stranger, no_date))
    assert errors_of(checked) == [
        (1, "status", "Only completed responses are imported (status is “in-progress”)."),
        (2, "item /44260-8", "This answer is not one of the PHQ-9's."),
        (3, "subject", NOT_FOUND),
        (4, "authored", "The response has no date (authored)."),
    ]


def test_text_that_is_not_json_is_refused_with_where():
    resources, errors = fhir_responses.resources_in('{"resourceType": "Bundle",')
    assert resources == []
    assert "not valid JSON" in errors[0].message


def test_ndjson_lines_are_read_like_a_bundle(cast):
    lines = "\n".join(json.dumps(phq9_response(by_id(cast.client), [1] * 9)) for _ in range(1))
    checked = preview(cast.therapist, lines)
    assert checked.ok
    assert checked.rows[0].result.total == 9


def test_an_unknown_questionnaire_is_refused(cast):
    resource = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "http://example.org/Questionnaire/bdi-ii",
        "status": "completed",
        "subject": by_id(cast.client),
        "authored": "2024-01-01",
        "item": [{"linkId": "1", "answer": [{"valueInteger": 1}]}],
    }
    assert errors_of(preview(cast.therapist, json.dumps(resource))) == [
        (1, "questionnaire", "Not a PHQ-9 or GAD-7 (no known canonical or LOINC code).")
    ]
