"""The clinic settings page: every group validated, explained in plain words, audited."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse

from rapport.core.models import AuditEvent
from rapport.measures.models import MeasuresSettings
from rapport.scheduling.models import ClosureDay, SchedulingSettings
from tests.factories import csrf_post, signed_in
from tests.page_cost import PageCost, page_cost

SETTINGS = reverse("core:clinic_settings")
TODAY = dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)


def scheduling(**changes: str) -> dict[str, str]:
    data = {
        "section": "scheduling",
        "scheduling-reminder_leads": "48 h, 2 h",
        "scheduling-late_cancellation_hours": "24",
        "scheduling-hold_hours": "48",
    }
    return data | {f"scheduling-{k}": v for k, v in changes.items()}


def post(cast: SimpleNamespace, data: dict[str, str]):
    return csrf_post(signed_in(cast.admin), SETTINGS, data)


def unchanged_measures(cast: SimpleNamespace) -> bool:
    """The clinic's measures settings are still the defaults, and no change was audited."""
    row = MeasuresSettings.objects.filter(clinic=cast.clinic).first() or MeasuresSettings()
    defaults = MeasuresSettings()
    names = ["thresholds", "invitation_hours_before", "invitation_valid_hours", "hrsd_enabled"]
    names += ["critical_window_minutes"]
    return all(getattr(row, n) == getattr(defaults, n) for n in names) and not (
        AuditEvent.objects.filter(action="measures.settings.updated").exists()
    )


def test_it_explains_each_group_in_plain_words(cast: SimpleNamespace) -> None:
    page = signed_in(cast.admin).get(SETTINGS).content.decode()
    for heading in (
        "Clinic",
        "Scheduling and reminders",
        "Questionnaires",
        "Safety escalation",
        "Outcome bands",
        "Closure days",
    ):
        assert f'-heading">{heading}</h2>' in page
    assert "Clients get reminders 48 hours and 2 hours before each appointment." in page
    assert "less than 24 hours before the appointment is recorded as late" in page
    assert "The public request form offers no times" in page
    assert "e-mail 24 hours before each session; the link works for 72 hours" in page
    assert "goes to the therapist&#x27;s supervisors and the clinic admins after 60 minutes" in page
    assert "HRSD-17 totals read as: 0–7 no depression; 8–16 mild; 17–23 moderate" in page
    assert "No closure days ahead" in page


def test_it_saves_scheduling_rules_and_audits_old_and_new(cast: SimpleNamespace) -> None:
    data = scheduling(
        reminder_leads="24 h, 90 min", late_cancellation_hours="12", public_slot_picking="on"
    )
    response = post(cast, data)
    assert response.status_code == 302
    assert response["Location"].endswith("#scheduling")
    rules = SchedulingSettings.objects.get(clinic=cast.clinic)
    assert rules.reminder_lead_minutes == [24 * 60, 90]
    assert rules.late_cancellation_hours == 12
    assert rules.public_slot_picking is True
    assert rules.hold_minutes == 48 * 60
    event = AuditEvent.objects.get(action="scheduling.settings.updated")
    assert event.actor == cast.admin
    assert event.clinic_id == cast.clinic.pk
    assert event.fields == [
        "late_cancellation_hours: 24 → 12",
        "public_slot_picking: off → on",
        "reminder_leads: 48 h, 2 h → 24 h, 90 min",
    ]
    page = signed_in(cast.admin).get(SETTINGS).content.decode()
    assert "Clients get reminders 24 hours and 1 hour 30 minutes before each appointment." in page
    assert "it is held for 48 hours until a coordinator confirms it" in page


def test_saving_unchanged_settings_records_nothing(cast: SimpleNamespace) -> None:
    assert post(cast, scheduling()).status_code == 302
    assert not AuditEvent.objects.filter(action="scheduling.settings.updated").exists()


@pytest.mark.parametrize(
    ("leads", "message"),
    [
        ("tomorrow", "“tomorrow” is not a time: write it as “48 h” or “30 min”."),
        ("5 min", "A reminder goes 15 minutes to 14 days before: “5 min” is outside that."),
        ("400 h", "A reminder goes 15 minutes to 14 days before: “400 h” is outside that."),
        ("2 h, 120 min", "Each reminder time once only."),
        ("1 h, 2 h, 3 h, 4 h", "At most three reminders per appointment."),
    ],
)
def test_it_refuses_unusable_reminder_times(
    cast: SimpleNamespace, leads: str, message: str
) -> None:
    response = post(cast, scheduling(reminder_leads=leads, late_cancellation_hours="2"))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SchedulingSettings.objects.filter(clinic=cast.clinic).exists()
    assert not AuditEvent.objects.filter(action="scheduling.settings.updated").exists()


def test_no_reminders_is_a_choice(cast: SimpleNamespace) -> None:
    assert post(cast, scheduling(reminder_leads="")).status_code == 302
    assert SchedulingSettings.objects.get(clinic=cast.clinic).reminder_lead_minutes == []
    page = signed_in(cast.admin).get(SETTINGS).content.decode()
    assert "Clients get no reminders before their appointments." in page


def test_questionnaire_links_must_last_until_the_session(cast: SimpleNamespace) -> None:
    data = {
        "section": "questionnaires",
        "questionnaires-invitation_hours_before": "48",
        "questionnaires-invitation_valid_hours": "24",
    }
    response = post(cast, data)
    assert response.status_code == 200
    assert "must work at least 48 hours, or it expires before the session" in (
        response.content.decode()
    )
    assert unchanged_measures(cast)
    data["questionnaires-invitation_valid_hours"] = "96"
    data["questionnaires-hrsd_enabled"] = "on"
    assert post(cast, data).status_code == 302
    row = MeasuresSettings.objects.get(clinic=cast.clinic)
    assert (row.invitation_hours_before, row.invitation_valid_hours, row.hrsd_enabled) == (
        48,
        96,
        True,
    )
    event = AuditEvent.objects.get(action="measures.settings.updated")
    assert event.fields == [
        "hrsd_enabled: off → on",
        "invitation_hours_before: 24 → 48",
        "invitation_valid_hours: 72 → 96",
    ]


@pytest.mark.parametrize(
    ("window", "ends", "message"),
    [
        ("2", "17:00", "Ensure this value is greater than or equal to 5."),
        ("60", "03:00", "Choose a time between 12:00 and 23:00."),
        ("60", "late", "Enter a valid time."),
    ],
)
def test_it_refuses_unsafe_escalation_windows(
    cast: SimpleNamespace, window: str, ends: str, message: str
) -> None:
    data = {"section": "safety", "safety-critical_window_minutes": window}
    response = post(cast, data | {"safety-business_day_ends": ends})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert unchanged_measures(cast)


def test_it_sets_escalation_windows(cast: SimpleNamespace) -> None:
    data = {
        "section": "safety",
        "safety-critical_window_minutes": "30",
        "safety-business_day_ends": "18:30",
    }
    assert post(cast, data).status_code == 302
    row = MeasuresSettings.objects.get(clinic=cast.clinic)
    assert (row.critical_window_minutes, row.business_day_ends) == (30, dt.time(18, 30))
    assert AuditEvent.objects.get(action="measures.settings.updated").fields == [
        "business_day_ends: 17:00 → 18:30",
        "critical_window_minutes: 60 → 30",
    ]


def bands(**changes: str) -> dict[str, str]:
    data = {
        "section": "bands",
        "bands-hrsd17_band_set": "zimmerman",
        "bands-phq9_caseness": "10",
        "bands-phq9_reliable_change": "6",
        "bands-gad7_caseness": "8",
        "bands-gad7_reliable_change": "4",
    }
    return data | {f"bands-{k}": v for k, v in changes.items()}


def test_it_switches_the_hrsd_band_convention_and_thresholds(cast: SimpleNamespace) -> None:
    assert post(cast, bands(hrsd17_band_set="camcops", phq9_caseness="12")).status_code == 302
    row = MeasuresSettings.objects.get(clinic=cast.clinic)
    assert row.thresholds == {"hrsd17": {"band_set": "camcops"}, "phq9": {"caseness": 12}}
    assert AuditEvent.objects.get(action="measures.settings.updated").fields == [
        "hrsd17_band_set: zimmerman → camcops",
        "phq9_caseness: 10 → 12",
    ]
    page = signed_in(cast.admin).get(SETTINGS).content.decode()
    assert "19–22 severe; 23–52 very severe" in page
    assert "PHQ-9: a score of 12 or more counts as a case" in page
    # Back to the standard value: the override goes, the catalogue's value holds again.
    assert post(cast, bands(hrsd17_band_set="camcops")).status_code == 302
    row.refresh_from_db()
    assert row.thresholds == {"hrsd17": {"band_set": "camcops"}}


def test_it_refuses_an_unknown_band_convention(cast: SimpleNamespace) -> None:
    response = post(cast, bands(hrsd17_band_set="made-up", gad7_caseness="99"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Select a valid choice." in body
    assert "Ensure this value is less than or equal to 21." in body
    assert unchanged_measures(cast)


def closure(day: str, name: str = "Christmas Day") -> dict[str, str]:
    return {"section": "closures", "closures-day": day, "closures-name": name}


@time_machine.travel(TODAY, tick=False)
def test_it_adds_lists_and_removes_closure_days(cast: SimpleNamespace) -> None:
    assert post(cast, closure("2026-12-25")).status_code == 302
    assert post(cast, closure("2026-01-01", "New Year's Day")).status_code == 302
    assert post(cast, closure("2027-01-01", "New Year's Day")).status_code == 302
    page = signed_in(cast.admin).get(SETTINGS).content.decode()
    assert "closed on 2 days ahead; the next is Dec. 25, 2026 (Christmas Day)" in page
    # Upcoming first, soonest first; the past day last.
    assert page.index("Fri 1 Jan 2027") > page.index("Fri 25 Dec 2026")
    assert page.index("Thu 1 Jan 2026") > page.index("Fri 1 Jan 2027")
    assert next(e.fields for e in AuditEvent.objects.filter(action="scheduling.closure.added")) == [
        "closure_day: — → 2026-12-25 Christmas Day"
    ]
    remove = {"section": "closures", "closures-remove": "2026-12-25", "_confirmed": "1"}
    assert post(cast, remove).status_code == 302
    assert not ClosureDay.objects.filter(clinic=cast.clinic, day="2026-12-25").exists()
    assert AuditEvent.objects.get(action="scheduling.closure.removed").fields == [
        "closure_day: 2026-12-25 Christmas Day → —"
    ]
    again = post(cast, remove)
    assert again.status_code == 200
    assert "That closure day was already removed." in again.content.decode()


@pytest.mark.parametrize("day", ["1899-12-31", "2101-01-01", "0001-01-01", "9999-12-31"])
def test_it_refuses_far_dates_for_closures(cast: SimpleNamespace, day: str) -> None:
    response = post(cast, closure(day))
    assert response.status_code == 200
    assert "Enter a date between 1900 and 2100." in response.content.decode()
    assert not ClosureDay.objects.exists()


def test_it_refuses_a_second_closure_on_one_day(cast: SimpleNamespace) -> None:
    ClosureDay.objects.create(clinic=cast.clinic, day=dt.date(2026, 12, 25), name="Christmas Day")
    response = post(cast, closure("2026-12-25", "Staff training"))
    assert "The clinic is already closed that day (Christmas Day)." in response.content.decode()
    assert ClosureDay.objects.count() == 1


def test_an_admin_cannot_remove_another_clinics_closure(cast: SimpleNamespace) -> None:
    ClosureDay.objects.create(clinic=cast.other_clinic, day=dt.date(2026, 12, 25), name="Holiday")
    remove = {"section": "closures", "closures-remove": "2026-12-25", "_confirmed": "1"}
    assert "That closure day was already removed." in post(cast, remove).content.decode()
    assert ClosureDay.objects.filter(clinic=cast.other_clinic).exists()


@time_machine.travel(TODAY, tick=False)
def test_closure_days_are_paged(cast: SimpleNamespace) -> None:
    ClosureDay.objects.bulk_create(
        ClosureDay(clinic=cast.clinic, day=dt.date(2027, 1, 1) + dt.timedelta(days=n), name=f"D{n}")
        for n in range(25)
    )
    http = signed_in(cast.admin)
    first = http.get(SETTINGS).content.decode()
    assert "Page 1 of 3" in first
    assert "D9<" in first
    assert "D10<" not in first
    third = http.get(SETTINGS, {"closures_page": "3"}).content.decode()
    assert "D24<" in third
    assert "D0<" not in third


@pytest.mark.parametrize("role", ["therapist", "supervisor", "intake"])
def test_only_admins_change_settings(cast: SimpleNamespace, role: str) -> None:
    http = signed_in(getattr(cast, role))
    assert http.get(SETTINGS).status_code == 403
    assert csrf_post(http, SETTINGS, closure("2026-12-25")).status_code == 403
    assert not ClosureDay.objects.exists()


def test_an_unknown_group_changes_nothing(cast: SimpleNamespace) -> None:
    assert post(cast, {"section": "nonsense"}).status_code == 400


def test_its_cost_does_not_grow_with_closure_days(cast: SimpleNamespace) -> None:
    http = signed_in(cast.admin)
    ClosureDay.objects.create(clinic=cast.clinic, day=dt.date(2029, 12, 31), name="x")
    few = page_cost(http, SETTINGS)
    ClosureDay.objects.bulk_create(
        ClosureDay(clinic=cast.clinic, day=dt.date(2030, 1, 1) + dt.timedelta(days=n), name="x")
        for n in range(200)
    )
    assert page_cost(http, SETTINGS) == few
    # 1 session, 2 user, 3 OTP device, 4 clinic, 5 savepoint, 6 roles, 7 scheduling
    # settings, 8 measures settings (read once for three groups), 9 how many closure
    # days, 10 one page of them, 11 how many lie ahead, 12 the portal settings
    # (messages), 13 the intake paperwork group, 14-15 the letters' wording and sending
    # setting, 16 the billing settings, 17-18 the therapists and their billing details
    # (what each still lacks), 19 the next closure day, 20 release, 21-23 session save.
    assert few == PageCost(queries=23, decrypted=0)


FIELDS = {
    "clinic": ["name", "time_zone", "crisis_text"],
    "scheduling": ["reminder_leads", "late_cancellation_hours", "hold_hours"],
    "questionnaires": ["invitation_hours_before", "invitation_valid_hours"],
    "safety": ["critical_window_minutes", "business_day_ends"],
    "bands": ["hrsd17_band_set", "phq9_caseness", "gad7_reliable_change"],
    "closures": ["day", "name", "remove"],
}


@pytest.mark.parametrize("value", ["9" * 40, "-1", "0001-01-01", "24:00", "x" * 5000, "١٢"])
def test_no_value_breaks_a_group(cast: SimpleNamespace, value: str) -> None:
    http = signed_in(cast.admin)
    for section, names in FIELDS.items():
        data = {"section": section, "_confirmed": "1"}
        data |= {f"{section}-{name}": value for name in names}
        assert csrf_post(http, SETTINGS, data).status_code in {200, 302}, (section, value)
    assert not ClosureDay.objects.exists()
    if value != "١٢":  # Arabic-Indic twelve is a number: 12 hours everywhere is valid
        assert not SchedulingSettings.objects.filter(clinic=cast.clinic).exists()
