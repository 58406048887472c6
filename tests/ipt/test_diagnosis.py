"""The episode's working diagnosis: recorded from the catalogue, changed by new versions."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from rapport.core.models import AuditEvent
from rapport.ipt import diagnoses
from rapport.ipt.models import EpisodeDiagnosis
from tests.factories import csrf_post, signed_in


def _record(cast: SimpleNamespace, user=None, **data: object):
    http = signed_in(user or cast.therapist)
    url = reverse("ipt:diagnosis_record", args=[cast.episode.public_id])
    fields = {"code": "F33.1", "rank": "1", "diagnosed_on": "2026-09-08"} | data
    return csrf_post(http, url, fields)


def test_the_therapist_records_a_code_with_its_title_date_and_author(cast: SimpleNamespace):
    answer = _record(cast)
    assert answer.status_code == 302
    made = EpisodeDiagnosis.objects.current().get(episode=cast.episode)
    assert (made.code, made.title) == ("F33.1", "Major depressive disorder, recurrent, moderate")
    assert made.diagnosed_on == date(2026, 9, 8)
    assert made.recorded_by == cast.therapist
    assert made.code_system_version == diagnoses.CODE_SYSTEM_VERSION
    event = AuditEvent.objects.get(action="ipt.diagnosis.recorded")
    assert event.subject_id == cast.client.public_id


def test_a_change_keeps_the_earlier_version(cast: SimpleNamespace):
    _record(cast)
    before_change = timezone.now()
    _record(cast, code="F33.2")
    current = EpisodeDiagnosis.objects.current().get(episode=cast.episode, rank=1)
    assert current.code == "F33.2"
    old = EpisodeDiagnosis.objects.get(code="F33.1")
    assert old.replaced_at is not None
    assert (old.replaced_by, old.end_reason) == (cast.therapist, "changed")
    # What a document made before the change showed.
    assert [d.code for d in diagnoses.as_of(cast.episode, before_change)] == ["F33.1"]
    page = signed_in(cast.therapist).get(reverse("ipt:diagnosis", args=[cast.episode.public_id]))
    assert page.context["current"] == [current]
    assert page.context["history"] == [old]


def test_primary_and_secondary_are_kept_apart(cast: SimpleNamespace):
    _record(cast)
    _record(cast, code="F41.1", rank="2")
    codes = set(EpisodeDiagnosis.objects.current().values_list("rank", "code"))
    assert codes == {(1, "F33.1"), (2, "F41.1")}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "F99.9"}, "Select a valid choice"),
        ({"diagnosed_on": (timezone.localdate() + timedelta(days=2)).isoformat()}, "in the future"),
        ({"diagnosed_on": "1850-01-01"}, "between 1900 and 2100"),
        ({"diagnosed_on": "not a date"}, "Enter a valid date"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(cast: SimpleNamespace, data, message):
    answer = _record(cast, **data)
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not EpisodeDiagnosis.objects.exists()


def test_search_narrows_the_picker_without_losing_any_valid_code(cast: SimpleNamespace):
    http = signed_in(cast.therapist)
    url = reverse("ipt:diagnosis", args=[cast.episode.public_id])
    page = http.get(url, {"q": "recurrent moderate"})
    offered = [
        code
        for _g, options in page.context["form"].fields["code"].choices[1:]
        for code, _ in options
    ]
    assert offered == ["F33.1"]
    assert "1 code matches" in page.content.decode()
    assert [c.code for c in diagnoses.search("grief")] == ["F43.81"]


def test_removal_keeps_the_row_in_the_history(cast: SimpleNamespace):
    _record(cast)
    made = EpisodeDiagnosis.objects.get()
    url = reverse("ipt:diagnosis_remove", args=[cast.episode.public_id, made.public_id])
    answer = csrf_post(signed_in(cast.therapist), url, {"_confirm": "yes"})
    assert answer.status_code in {200, 302}
    made.refresh_from_db()
    assert made.end_reason == "entered in error"
    assert not EpisodeDiagnosis.objects.current().exists()


def test_a_supervisor_reads_but_does_not_record(cast: SimpleNamespace):
    _record(cast)
    page = signed_in(cast.supervisor).get(reverse("ipt:diagnosis", args=[cast.episode.public_id]))
    assert page.status_code == 200
    assert b"Record diagnosis" not in page.content
    assert _record(cast, user=cast.supervisor, code="F32.0").status_code == 403
    assert not EpisodeDiagnosis.objects.filter(code="F32.0").exists()
