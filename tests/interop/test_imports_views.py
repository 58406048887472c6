"""The import pages: start, template, preview with per-row errors, import, result, listing."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.measures.models import Response
from tests import test_html_valid as html_check
from tests.factories import csrf_post, signed_in
from tests.interop.imports_helpers import by_id, csv_text, phq9_response, phq9_row

MILD = [1, 1, 1, 1, 1, 1, 0, 0, 0]
ITEM9 = [1, 1, 1, 1, 1, 1, 0, 0, 1]


def preview_url(kind="csv"):
    return reverse("interop:import_preview", args=[kind])


def commit_url(kind="csv"):
    return reverse("interop:import_commit", args=[kind])


def test_it_offers_the_template_for_download(cast):
    response = signed_in(cast.therapist).get(reverse("interop:import_template"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode().startswith(
        "client_id,family_name,given_name,date_of_birth,date"
    )


def test_an_uploaded_csv_with_errors_lists_them_and_writes_nothing(cast):
    http = signed_in(cast.therapist)
    text = csv_text(phq9_row(cast.client, "2024-03-18", [1, 1, 1, 1, 1, 1, 0, 0, 7]))
    upload = SimpleUploadedFile("history.csv", text.encode(), content_type="text/csv")
    page = csrf_post(http, preview_url(), {"csv-upload": upload})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Nothing was imported" in html
    assert "<td>2</td><td>item_9</td><td>“7” is not a whole number from 0 to 3.</td>" in html
    assert "Import 1 response" not in html
    assert not Response.objects.filter(mode="imported").exists()


def test_preview_then_import_marks_the_responses_imported_on_the_measures_tab(cast):
    http = signed_in(cast.therapist)
    text = csv_text(phq9_row(cast.client, "2024-03-18", MILD, total="13"))
    page = csrf_post(http, preview_url(), {"csv-text": text})
    html = page.content.decode()
    assert "Stated total 13 ignored: the answers add up to 6." in html
    assert not Response.objects.filter(mode="imported").exists()
    done = csrf_post(http, commit_url(), {"text": text})
    assert done.status_code == 302
    result = http.get(done["Location"]).content.decode()
    assert "1 response was imported" in result
    history = http.get(reverse("measures:score_history", args=[cast.client.public_id, "phq9"]))
    assert "imported" in history.content.decode()


def test_a_positive_item_9_must_be_confirmed_before_import(cast):
    http = signed_in(cast.therapist)
    text = csv_text(phq9_row(cast.client, "2023-05-02", ITEM9))
    page = csrf_post(http, preview_url(), {"csv-text": text}).content.decode()
    assert "answers the suicidality question positively" in page
    refused = csrf_post(http, commit_url(), {"text": text}).content.decode()
    assert "Confirm that you have read the positive suicidality answers." in refused
    assert not Response.objects.filter(mode="imported").exists()
    assert csrf_post(http, commit_url(), {"text": text, "safety_seen": "on"}).status_code == 302
    assert Response.objects.filter(mode="imported").count() == 1


def test_the_fhir_preview_says_the_stated_total_was_ignored(cast):
    resource = phq9_response(by_id(cast.client), [2, 2, 1, 1, 1, 1, 1, 1, 0], stated_total=13)
    page = csrf_post(
        signed_in(cast.therapist), preview_url("fhir"), {"fhir-text": json.dumps(resource)}
    )
    assert "Stated total 13 ignored: the answers add up to 10." in page.content.decode()


def test_an_empty_form_is_refused_with_a_message(cast):
    page = csrf_post(signed_in(cast.therapist), preview_url(), {"csv-text": "  "})
    assert page.status_code == 400
    assert "Choose a file or paste its contents." in page.content.decode()


def test_another_therapists_import_is_not_found(cast):
    http = signed_in(cast.therapist)
    text = csv_text(phq9_row(cast.client, "2024-03-18", MILD))
    done = csrf_post(http, commit_url(), {"text": text})["Location"]
    assert signed_in(cast.colleague).get(done).status_code == 404


def test_the_preview_and_the_result_cost_the_same_queries_for_2_or_40_rows(cast):
    # Per page: session, user and roles; the clients in scope by identifier; their
    # episodes; responses already recorded; the audit event. None of them per row.
    def rows(year, n):
        days = [f"{year}-{1 + i // 28:02d}-{1 + i % 28:02d}" for i in range(n)]
        return csv_text(*(phq9_row(cast.client, day, MILD) for day in days))

    def queries(call):
        reset_queries()  # each request starts a fresh log: count one request only
        with CaptureQueriesContext(connection) as captured:
            response = call()
        assert response.status_code == 200
        return len(captured)

    http = signed_in(cast.therapist)
    http.get(reverse("interop:imports"))
    token = http.cookies["csrftoken"].value
    counts = []
    for year, n in ((2022, 2), (2023, 40)):
        text = rows(year, n)
        data = {"csv-text": text, "csrfmiddlewaretoken": token}
        previewed = queries(lambda data=data: http.post(preview_url(), data))
        done = http.post(commit_url(), {"text": text, "csrfmiddlewaretoken": token})
        listed = queries(lambda done=done: http.get(done["Location"]))
        counts.append((previewed, listed))
    assert counts[0] == counts[1]
    assert min(counts[0]) > 0


@pytest.mark.skipif(not html_check.JAVA, reason="needs Java: `make test` installs it")
def test_the_import_pages_are_valid_html(cast, tmp_path):
    # The matrix's walk reaches only the GET pages; the previews come from a POST.
    http = signed_in(cast.therapist)
    bad = csv_text(phq9_row(cast.client, "2024-03-18", [1, 1, 1, 1, 1, 1, 0, 0, 7]))
    good = csv_text(phq9_row(cast.client, "2023-05-02", ITEM9, total="13"))
    pages = [
        http.get(reverse("interop:imports")),
        csrf_post(http, preview_url(), {"csv-text": bad}),
        csrf_post(http, preview_url(), {"csv-text": good}),
        csrf_post(http, commit_url(), {"text": good}),  # the safety answer not confirmed
    ]
    done = csrf_post(http, commit_url(), {"text": good, "safety_seen": "on"})
    pages.append(http.get(done["Location"]))
    files = []
    for number, page in enumerate(pages):
        assert page.status_code == 200
        files.append(tmp_path / f"page{number}.html")
        files[-1].write_bytes(page.content)
    assert html_check._vnu_errors(files) == []
