"""Reading and checking a CSV of historical scores: totals, per-row errors, dates, scope."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapport.interop.imports import csv_scores
from rapport.interop.imports.commit import preview as check_input
from rapport.interop.imports.matching import NOT_FOUND
from tests.factories import make_client
from tests.interop.imports_helpers import csv_text, phq9_row, verified

MILD = [1, 1, 1, 1, 1, 1, 0, 0, 0]  # 6: mild


def preview(user, kind, text):
    return check_input(verified(user), kind, text)


def errors_of(checked):
    return [(e.row, e.column, e.message) for e in checked.errors]


def test_it_scores_each_row_with_the_engine(cast):
    text = csv_text(phq9_row(cast.client, "2024-03-18", MILD))
    checked = preview(cast.therapist, "csv", text)
    assert checked.ok, errors_of(checked)
    [row] = checked.rows
    assert (row.client, row.instrument.code, row.result.total, row.result.band) == (
        cast.client,
        "phq9",
        6,
        "mild",
    )
    assert row.day == date(2024, 3, 18)
    assert row.candidate.source == "CSV row 2"


def test_it_lists_every_bad_row_with_its_row_and_column(cast):
    text = csv_text(
        phq9_row(cast.client, "2024-03-18", MILD),
        phq9_row(cast.client, "2024-03-25", [1, 1, 1, 1, 1, 1, 0, 0, 4]),
        ",".join([str(cast.client.public_id), "2024-04-01", "BDI-II", *["1"] * 9, "", ""]),
        phq9_row(cast.client, "18/03/2024", MILD),
        ",".join([str(cast.client.public_id), "2024-04-08", "PHQ-9", *["1"] * 8, "", "1", ""]),
    )
    checked = preview(cast.therapist, "csv", text)
    assert not checked.ok
    found = errors_of(checked)
    assert [(row, column) for row, column, _m in found] == [
        (3, "item_9"),
        (4, "instrument"),
        (5, "date"),
        (6, "item_9"),
    ]
    assert "not a whole number from 0 to 3" in found[0][2]
    assert "“BDI-II” is not a questionnaire Rapport imports" in found[1][2]
    assert "YYYY-MM-DD" in found[2][2]
    assert "item 9 is missing" in found[3][2]
    assert "never estimated" in found[3][2]


def test_it_refuses_future_dates_and_dates_before_the_questionnaire_existed(cast):
    tomorrow = (timezone.localdate() + timedelta(days=2)).isoformat()
    text = csv_text(
        phq9_row(cast.client, tomorrow, MILD),
        phq9_row(cast.client, "1989-05-01", MILD),
        phq9_row(cast.client, "1899-05-01", MILD),
    )
    found = errors_of(preview(cast.therapist, "csv", text))
    assert [(row, column) for row, column, _m in found] == [(2, "date"), (3, "date"), (4, "date")]
    assert "is in the future" in found[0][2]
    assert "before the PHQ-9 was published (1999)" in found[1][2]


def test_it_refuses_a_date_before_the_clients_birth(cast):
    young = make_client(cast.clinic, cast.therapist, date_of_birth=date(2005, 6, 1))
    found = errors_of(preview(cast.therapist, "csv", csv_text(phq9_row(young, "2004-01-05", MILD))))
    assert found == [(2, "date", "2004-01-05 is before the client's date of birth.")]


def test_another_clinics_or_colleagues_client_is_not_found_like_a_stranger(cast):
    text = csv_text(
        phq9_row(cast.outsider_client, "2024-03-18", MILD),
        phq9_row(cast.colleague_client, "2024-03-18", MILD),
        ",".join([str(uuid.uuid4()), "2024-03-18", "PHQ-9", *["1"] * 9, "1", ""]),
    )
    found = errors_of(preview(cast.therapist, "csv", text))
    assert found == [
        (2, "client_id", NOT_FOUND),
        (3, "client_id", NOT_FOUND),
        (4, "client_id", NOT_FOUND),
    ]


def test_only_clinicians_who_write_for_the_client_find_them(cast):
    text = csv_text(phq9_row(cast.client, "2024-03-18", MILD))
    for who in (cast.supervisor, cast.admin, cast.intake, cast.colleague, cast.outsider):
        assert errors_of(preview(who, "csv", text)) == [(2, "client_id", NOT_FOUND)], who


def test_it_finds_a_client_by_name_and_date_of_birth(cast):
    header = "family_name,given_name,date_of_birth,date,instrument,total"
    name = f"{cast.client.family_name.upper()},{cast.client.given_name},1990-01-01"
    checked = preview(cast.therapist, "csv", csv_text(f"{name},2024-02-01,GAD-7,12", header=header))
    assert checked.ok, errors_of(checked)
    assert checked.rows[0].client == cast.client
    assert (checked.rows[0].result.total, checked.rows[0].result.band) == (12, "moderate")


def test_a_total_alone_is_checked_against_the_range(cast):
    header = "client_id,date,instrument,total"
    text = csv_text(
        f"{cast.client.public_id},2024-02-01,PHQ-9,14",
        f"{cast.client.public_id},2024-02-08,GAD-7,22",
        header=header,
    )
    checked = preview(cast.therapist, "csv", text)
    assert errors_of(checked) == [(3, "total", "“22” is not a whole number from 0 to 21.")]


def test_a_total_beside_the_items_is_compared_then_ignored(cast):
    checked = preview(
        cast.therapist, "csv", csv_text(phq9_row(cast.client, "2024-03-18", MILD, total="13"))
    )
    [row] = checked.rows
    assert row.result.total == 6
    assert row.candidate.stated_total == 13
    assert row.stated_total_ignored


def test_a_missing_difficulty_item_is_forgiven_but_never_a_scored_one(cast):
    checked = preview(
        cast.therapist, "csv", csv_text(phq9_row(cast.client, "2024-03-18", MILD, difficulty=""))
    )
    assert checked.ok
    assert checked.rows[0].result.total == 6


def test_header_problems_are_row_one(cast):
    text = "patient,when,instrument,item_1\r\nx,2024-01-01,PHQ-9,1\r\n"
    found = errors_of(preview(cast.therapist, "csv", text))
    assert {(row, column) for row, column, _m in found} == {
        (1, "patient"),
        (1, "when"),
        (1, "date"),
        (1, "client_id"),
    }


def test_the_template_has_every_column_and_no_example_row():
    lines = csv_scores.template().splitlines()
    assert lines == [",".join(csv_scores.TEMPLATE_COLUMNS)]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=30)
@given(items=st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_the_preview_total_is_the_sum_of_the_items(cast, items):
    checked = preview(cast.therapist, "csv", csv_text(phq9_row(cast.client, "2024-03-18", items)))
    assert checked.ok
    assert checked.rows[0].result.total == sum(items)


def test_a_bad_birth_date_is_one_error_not_also_not_found(cast):
    header = "family_name,given_name,date_of_birth,date,instrument,total"
    text = csv_text("Doe,Jane,01/02/1990,2024-02-01,PHQ-9,12", header=header)
    assert [
        (row, column) for row, column, _m in errors_of(preview(cast.therapist, "csv", text))
    ] == [(2, "date_of_birth")]


def test_one_input_takes_up_to_the_cap_and_no_more() -> None:
    import json

    from rapport.interop.imports import fhir_responses

    row = f"{uuid.uuid4()},2024-03-18,PHQ-9,1,1,1,1,1,1,0,0,0,1,"
    candidates, errors = csv_scores.read(csv_text(*[row] * csv_scores.MAX_ROWS))
    assert (len(candidates), errors) == (csv_scores.MAX_ROWS, [])
    _none, [error] = csv_scores.read(csv_text(*[row] * (csv_scores.MAX_ROWS + 1)))
    assert error.message == f"At most {csv_scores.MAX_ROWS} rows per import."
    patient = json.dumps({"resourceType": "Patient", "id": "p"})
    lines = "\n".join([patient] * fhir_responses.MAX_RESOURCES)
    assert fhir_responses.resources_in(lines)[1] == []
    _none, [error] = fhir_responses.resources_in(lines + "\n" + patient)
    assert "At most" in error.message
