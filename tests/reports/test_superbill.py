"""Superbills: the right codes, dates, diagnosis and fees; held sessions only; no note text;
missing billing details named rather than printed blank; one audit row per superbill."""

from __future__ import annotations

import io
import re
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse
from pypdf import PdfReader

from rapport.core.audit_names import NAMES
from rapport.core.models import AuditEvent
from rapport.ipt import diagnoses
from rapport.reports.billing import CodeRules, psychotherapy_code
from rapport.reports.forms_billing import npi_is_valid
from rapport.reports.models_billing import BillingSettings, ClientBillingAddress, TherapistBilling
from rapport.scheduling.models import Appointment
from rapport.scheduling.timeutil import local_to_utc
from tests.factories import PROCESS_NOTE_SECRET, csrf_post, signed_in

NPI_PERSON = "1234567893"  # the CMS example: a valid check digit
NPI_PRACTICE = "1245319599"
NOTE_TEXT = "She spoke about the argument with her sister at length"


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join("\n".join(page.extract_text() for page in reader.pages).split())


@pytest.mark.parametrize(
    ("minutes", "code"),
    [(15, None), (16, "90832"), (37, "90832"), (38, "90834"), (52, "90834"), (53, "90837")],
)
def test_the_code_follows_the_session_length(minutes: int, code: str | None) -> None:
    assert psychotherapy_code(minutes) == code


def test_a_clinic_may_move_the_boundaries() -> None:
    rules = CodeRules(min_90832=20, min_90834=40, min_90837=60)
    assert [psychotherapy_code(m, rules) for m in (19, 20, 39, 40, 59, 60)] == [
        None,
        "90832",
        "90832",
        "90834",
        "90834",
        "90837",
    ]


def test_npi_check_digit() -> None:
    assert npi_is_valid(NPI_PERSON)
    assert npi_is_valid(NPI_PRACTICE)
    assert not npi_is_valid("1234567890")
    assert not npi_is_valid("123456789")


def _session(cast: SimpleNamespace, day: date, minutes: int, status: str, **fields) -> Appointment:
    starts = local_to_utc(day, time(10, 0), cast.clinic.time_zone)
    return Appointment.objects.create(
        clinic=cast.clinic,
        client=cast.client,
        therapist=cast.therapist,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes),
        status=status,
        context_id=cast.episode.public_id,
        **fields,
    )


@pytest.fixture
def billable(cast: SimpleNamespace) -> SimpleNamespace:
    """Billing details filled in, a diagnosis, and a month of sessions of every kind."""
    BillingSettings.objects.create(
        clinic=cast.clinic,
        practice_name="Riverside Therapy LLC",
        address="12 River Road\nHudson, NY 12534",
        phone="518-555-0100",
        tax_id="12-3456789",
        npi=NPI_PRACTICE,
        fee_90791=Decimal("200.00"),
        fee_90834=Decimal("150.00"),
        fee_90837=Decimal("180.00"),
    )
    TherapistBilling.objects.create(
        therapist=cast.therapist,
        credentials="PhD, LP",
        license_number="LP-004321",
        license_state="NY",
        npi=NPI_PERSON,
    )
    ClientBillingAddress.objects.create(
        client=cast.client, address="3 Elm Street\nKingston, NY 12401", updated_by=cast.therapist
    )
    diagnoses.record(
        cast.episode, code="F33.1", rank=1, diagnosed_on=date(2026, 9, 1), by=cast.therapist
    )
    cast.note.problem_area_work = NOTE_TEXT
    cast.note.save()
    held = Appointment.Status.ATTENDED
    cast.sessions = {
        "consultation": _session(
            cast, date(2026, 9, 1), 60, held, kind=Appointment.Kind.CONSULTATION
        ),
        "short": _session(cast, date(2026, 9, 8), 45, held),
        "long": _session(cast, date(2026, 9, 15), 53, held, video_link="https://video.example/r"),
        "no_show": _session(cast, date(2026, 9, 22), 50, Appointment.Status.NO_SHOW),
        "late": _session(cast, date(2026, 9, 29), 50, Appointment.Status.LATE_CANCELLED),
        "october": _session(cast, date(2026, 10, 6), 50, held),
    }
    return cast


def _period(http, cast: SimpleNamespace, first: str, last: str):
    url = reverse("reports:superbill", args=[cast.client.public_id])
    return http.get(url, {"first": first, "last": last})


def test_a_superbill_for_a_month(billable: SimpleNamespace) -> None:
    answer = _period(signed_in(billable.therapist), billable, "2026-09-01", "2026-09-30")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    filename = re.search(r'filename="([^"]+)"', answer["Content-Disposition"]).group(1)
    assert filename == "superbill-2026-09-01-2026-09-30.pdf"  # dates only, no PHI
    text = pdf_text(answer.content)
    # The practice, the rendering provider and the client.
    for expected in [
        "Riverside Therapy LLC",
        "12 River Road",
        "518-555-0100",
        "12-3456789",
        NPI_PRACTICE,
        "PhD, LP",
        "LP-004321 (NY)",
        NPI_PERSON,
        "3 Elm Street",
        str(billable.client.public_id),
        billable.client.date_of_birth.strftime("%m/%d/%Y"),
    ]:
        assert expected in text, expected
    # The diagnosis, and one line per held session in the period with its code and fee.
    assert "A F33.1 Major depressive disorder, recurrent, moderate" in text
    assert "09/01/2026 60 90791 Psychiatric diagnostic evaluation A Office (11) 200.00" in text
    assert "09/08/2026 45 90834 Psychotherapy, 45 minutes with patient A Office (11) 150.00" in text
    assert (
        "09/15/2026 53 90837 Psychotherapy, 60 minutes with patient A Telehealth (10) 180.00"
        in text
    )
    assert "Total 530.00" in text
    # Held sessions only: the no-show and the late cancellation are counted, not billed.
    for day in ("09/22/2026", "09/29/2026", "10/06/2026"):
        assert day not in text
    assert "3 held sessions are listed." in text
    assert "Not billed in this period: 1 missed, 1 cancelled." in text
    # Never note text.
    assert NOTE_TEXT not in text
    assert PROCESS_NOTE_SECRET not in text
    event = AuditEvent.objects.get(action="reports.superbill.generated")
    assert (event.actor, event.subject_id) == (billable.therapist, billable.client.public_id)


def test_a_superbill_for_one_session(billable: SimpleNamespace) -> None:
    http = signed_in(billable.therapist)
    short = billable.sessions["short"]
    answer = http.get(reverse("reports:superbill_appointment", args=[short.public_id]))
    assert answer.status_code == 200
    text = pdf_text(answer.content)
    assert "09/08/2026 45 90834" in text
    assert "90791" not in text
    assert "09/01/2026" not in text
    assert "1 held session is listed." in text
    assert AuditEvent.objects.filter(action="reports.superbill.generated").count() == 1


def test_a_no_show_is_not_billed(billable: SimpleNamespace) -> None:
    http = signed_in(billable.therapist)
    missed = billable.sessions["no_show"]
    answer = http.get(reverse("reports:superbill_appointment", args=[missed.public_id]))
    assert answer.status_code == 409
    assert answer["Content-Type"].startswith("text/html")
    assert "a no-show or a cancellation is never billed" in answer.content.decode()
    assert not AuditEvent.objects.filter(action="reports.superbill.generated").exists()


def test_the_first_held_session_may_be_the_evaluation(billable: SimpleNamespace) -> None:
    Appointment.objects.filter(pk=billable.sessions["consultation"].pk).update(
        status=Appointment.Status.CANCELLED
    )
    BillingSettings.objects.update(first_session_is_evaluation=True)
    answer = _period(signed_in(billable.therapist), billable, "2026-09-01", "2026-09-30")
    text = pdf_text(answer.content)
    assert "09/08/2026 45 90791" in text  # the first held session, 45 minutes: 90791
    assert "09/15/2026 53 90837" in text


def test_missing_details_are_listed_not_printed(cast: SimpleNamespace) -> None:
    _session(cast, date(2026, 9, 8), 45, Appointment.Status.ATTENDED)
    answer = _period(signed_in(cast.therapist), cast, "2026-09-01", "2026-09-30")
    assert answer.status_code == 409
    page = " ".join(answer.content.decode().split())
    assert "Before this superbill can be made, fill in:" in page
    assert "The clinic&#x27;s practice name, address, phone, tax ID (EIN)." in page
    assert "credential letters, licence number and state, NPI." in page
    assert reverse("reports:billing_own") in page
    assert "The client&#x27;s postal address." in page
    assert "A working diagnosis (ICD-10-CM) on the course started 1 Sep 2026." in page
    assert reverse("ipt:diagnosis", args=[cast.episode.public_id]) in page
    assert not AuditEvent.objects.filter(action="reports.superbill.generated").exists()


def test_a_bad_period_keeps_the_form(billable: SimpleNamespace) -> None:
    answer = _period(signed_in(billable.therapist), billable, "2026-09-30", "2026-09-01")
    assert answer.status_code == 400
    assert "The end of the period comes before its start." in answer.content.decode()


@pytest.mark.parametrize("role", ["intake", "admin", "supervisor"])
def test_only_the_treating_therapist_issues_superbills(
    billable: SimpleNamespace, role: str
) -> None:
    answer = _period(signed_in(getattr(billable, role)), billable, "2026-09-01", "2026-09-30")
    assert answer.status_code == 403


def test_another_therapists_client_does_not_exist(billable: SimpleNamespace) -> None:
    http = signed_in(billable.colleague)
    short = billable.sessions["short"]
    assert (
        http.get(reverse("reports:superbill_appointment", args=[short.public_id])).status_code
        == 404
    )
    assert _period(http, billable, "2026-09-01", "2026-09-30").status_code == 404


def test_the_client_address_is_saved_encrypted_and_audited(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    url = reverse("reports:superbill_address", args=[cast.client.public_id])
    assert csrf_post(http, url, {"address": ""}).status_code == 400
    assert not ClientBillingAddress.objects.exists()
    assert csrf_post(http, url, {"address": "3 Elm Street"}).status_code == 302
    assert ClientBillingAddress.objects.get(client=cast.client).address == "3 Elm Street"
    assert AuditEvent.objects.filter(action="reports.billing_address.updated").count() == 1


def test_a_therapist_fills_in_their_billing_details(cast: SimpleNamespace) -> None:
    http = signed_in(cast.therapist)
    url = reverse("reports:billing_own")
    bad = {
        "credentials": "LCSW",
        "license_number": "X1",
        "license_state": "ZZ",
        "npi": "1234567890",
    }
    answer = csrf_post(http, url, bad)
    assert answer.status_code == 400
    assert "check it for a typo" in answer.content.decode()
    assert "two-letter code" in answer.content.decode()
    assert not TherapistBilling.objects.exists()
    good = bad | {"license_state": "ny", "npi": NPI_PERSON}
    assert csrf_post(http, url, good).status_code == 302
    saved = TherapistBilling.objects.get(therapist=cast.therapist)
    assert (saved.license_state, saved.npi, saved.clinic) == ("NY", NPI_PERSON, cast.clinic)


def test_an_admin_fills_in_a_therapists_details(cast: SimpleNamespace) -> None:
    url = reverse("reports:billing_member", args=[cast.therapist.public_id])
    data = {"credentials": "PsyD", "license_number": "9", "license_state": "CA", "npi": NPI_PERSON}
    assert csrf_post(signed_in(cast.admin), url, data).status_code == 302
    assert TherapistBilling.objects.get(therapist=cast.therapist).credentials == "PsyD"
    # Not the intake coordinator, and not an account that is no therapist.
    intake_url = reverse("reports:billing_member", args=[cast.intake.public_id])
    assert signed_in(cast.admin).get(intake_url).status_code == 404


def _settings_post(cast: SimpleNamespace, **changes):
    data = {
        "section": "billing",
        "practice_name": "Riverside",
        "address": "1 Main St",
        "phone": "555",
        "tax_id": "123456789",
        "npi": "",
        "min_minutes_90832": "16",
        "min_minutes_90834": "38",
        "min_minutes_90837": "53",
        "fee_90791": "",
        "fee_90832": "",
        "fee_90834": "",
        "fee_90837": "",
    } | changes
    return csrf_post(signed_in(cast.admin), reverse("core:clinic_settings"), data)


def test_the_clinic_sets_its_billing_details_and_mapping(cast: SimpleNamespace) -> None:
    answer = _settings_post(cast, min_minutes_90834="55")
    assert "Each code must start later than the one before" in answer.content.decode()
    answer = _settings_post(cast, tax_id="12-34")
    assert "An EIN is nine digits" in answer.content.decode()
    assert not BillingSettings.objects.exists()  # refused input changes nothing
    answer = _settings_post(cast, min_minutes_90837="60", fee_90837="175")
    assert answer.status_code == 302
    saved = BillingSettings.objects.get(clinic=cast.clinic)
    assert (saved.tax_id, saved.min_minutes_90837, saved.fee_90837) == (
        "12-3456789",
        60,
        Decimal("175"),
    )
    event = AuditEvent.objects.get(action="reports.billing.settings_updated")
    assert "min_minutes_90837: 53 → 60" in event.fields


def test_every_reports_audit_event_has_a_name() -> None:
    """Each event the reports app writes reads in words on the audit log page."""
    source = "\n".join(p.read_text() for p in Path("rapport/reports").glob("*.py"))
    written = set(re.findall(r'"(reports\.[a-z_]+\.[a-z_]+)"', source))
    assert len(written) >= 15
    assert written - NAMES.keys() == set()


def test_the_documents_panel_offers_superbills(billable: SimpleNamespace) -> None:
    page = signed_in(billable.therapist).get(
        reverse("clients:clinical", args=[billable.client.public_id])
    )
    body = page.content.decode()
    assert (
        reverse("reports:superbill_appointment", args=[billable.sessions["short"].public_id])
        in body
    )
    assert reverse("reports:superbill", args=[billable.client.public_id]) in body
    missed = billable.sessions["no_show"].public_id
    assert reverse("reports:superbill_appointment", args=[missed]) not in body
    supervisor_page = signed_in(billable.supervisor).get(
        reverse("clients:clinical", args=[billable.client.public_id])
    )
    assert "Superbills" not in supervisor_page.content.decode()


def test_therapists_find_their_billing_details_on_the_dashboard(cast: SimpleNamespace) -> None:
    link = reverse("reports:billing_own")
    assert link in signed_in(cast.therapist).get(reverse("core:dashboard")).content.decode()
    for role in ("intake", "admin", "supervisor"):
        page = signed_in(getattr(cast, role)).get(reverse("core:dashboard")).content.decode()
        assert link not in page, role
