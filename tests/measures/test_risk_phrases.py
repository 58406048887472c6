"""The clinic's risk-phrase list: matching, and editing it on the clinic settings page."""

from __future__ import annotations

from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from rapport.core.models import AuditEvent
from rapport.measures import risk_phrases
from rapport.measures.models import MeasuresSettings
from tests.factories import csrf_post, signed_in


def test_it_matches_case_insensitively_on_word_boundaries() -> None:
    phrases = ["kill myself", "overdose"]
    assert risk_phrases.matches("Sometimes I want to KILL   myself.", phrases) == ["kill myself"]
    assert risk_phrases.matches("the overdosed bills", phrases) == []
    assert risk_phrases.matches("an overdose, maybe", phrases) == ["overdose"]
    assert risk_phrases.matches("skill myselfish", phrases) == []


def test_it_matches_words_with_accents() -> None:
    assert risk_phrases.matches("Quiero hacerme DAÑO hoy", ["hacerme daño"]) == ["hacerme daño"]


@given(st.text(max_size=200))
def test_no_text_breaks_the_matcher(text: str) -> None:
    assert isinstance(risk_phrases.matches(text, list(risk_phrases.DEFAULT)), list)


def test_a_clinic_starts_with_the_default_list(cast) -> None:
    row = MeasuresSettings.objects.filter(clinic=cast.clinic).first() or MeasuresSettings(
        clinic=cast.clinic
    )
    assert row.risk_phrases == list(risk_phrases.DEFAULT)


def test_the_admin_edits_the_list_on_the_clinic_settings_page(cast) -> None:
    admin = signed_in(cast.admin)
    url = reverse("core:clinic_settings")
    page = admin.get(url).content.decode()
    assert "Risk phrases" in page
    assert "review it with your clinical lead" in page
    answer = csrf_post(
        admin,
        url,
        {
            "section": "risk_phrases",
            "risk-risk_phrases": "kill myself\n\nKILL MYSELF\n end it all ",
        },
    )
    assert answer.status_code in (200, 302)
    assert MeasuresSettings.objects.get(clinic=cast.clinic).risk_phrases == [
        "kill myself",
        "end it all",
    ]
    event = AuditEvent.objects.get(action="measures.settings.updated")
    assert "kill" not in " ".join(event.fields)


def test_an_empty_list_is_refused_and_nothing_changes(cast) -> None:
    admin = signed_in(cast.admin)
    url = reverse("core:clinic_settings")
    page = csrf_post(admin, url, {"section": "risk_phrases", "risk-risk_phrases": "  \n "})
    assert "Keep at least one phrase" in page.content.decode()
    row = MeasuresSettings.objects.filter(clinic=cast.clinic).first()
    assert row is None or row.risk_phrases == list(risk_phrases.DEFAULT)
