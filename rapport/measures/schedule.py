"""The measurement schedule of an episode: which instruments, how often (measures.md §2.10).

measures knows an episode only by its opaque id (``context_id``); the caller
(ipt) says whether the course is IPT-A and whether grief is the focus.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from rapport.clients.models import Client
from rapport.core.models import Clinic
from rapport.measures import instruments
from rapport.measures.instruments.base import Instrument
from rapport.measures.models import MeasuresSettings, ScheduledMeasure

Cadence = ScheduledMeasure.Cadence

# measures.md §2.10 "Recommended default schedule" [GK, proposal], as the issue settles it:
# adult: PHQ-9 and GAD-7 before every session; IPT-A: PHQ-A every session (§5.1 step 6:
# the weekly suicidality item is mandatory for adolescents); grief focus: the grief
# measure at intake and end; HRSD-17 at intake and termination if the clinic uses it.
ADULT_DEFAULTS = (("phq9", Cadence.EVERY_SESSION), ("gad7", Cadence.EVERY_SESSION))
ADOLESCENT_DEFAULTS = (("phqa", Cadence.EVERY_SESSION),)
GRIEF_DEFAULTS = (("pg13r", Cadence.START_AND_END),)
HRSD_DEFAULTS = (("hrsd17", Cadence.START_AND_END),)


class ScheduleError(Exception):
    """The schedule change is refused; the message says why, for the user."""


def clinic_settings(clinic: Clinic) -> MeasuresSettings:
    """The clinic's measures settings, created with the documented defaults on first use."""
    found, _created = MeasuresSettings.objects.get_or_create(clinic=clinic)
    return found


def default_schedule(
    *, adolescent: bool, grief: bool = False, hrsd: bool = False
) -> list[tuple[str, str]]:
    """(instrument code, cadence) pairs a new episode starts with."""
    rows = list(ADOLESCENT_DEFAULTS if adolescent else ADULT_DEFAULTS)
    if grief:
        rows += GRIEF_DEFAULTS
    if hrsd:
        rows += HRSD_DEFAULTS
    return rows


@transaction.atomic
def apply_defaults(
    client: Client, context_id: uuid.UUID, *, adolescent: bool, grief: bool = False
) -> list[ScheduledMeasure]:
    """Add the defaults the episode lacks; rows the therapist removed stay removed."""
    hrsd = clinic_settings(client.clinic).hrsd_enabled
    created = []
    for code, cadence in default_schedule(adolescent=adolescent, grief=grief, hrsd=hrsd):
        row, was_created = ScheduledMeasure.objects.get_or_create(
            context_id=context_id,
            instrument=code,
            defaults={"client": client, "cadence": cadence},
        )
        if was_created:
            created.append(row)
    return created


@transaction.atomic
def apply_rows(
    client: Client, context_id: uuid.UUID, rows: Iterable[tuple[str, str]]
) -> list[ScheduledMeasure]:
    """Add the (instrument, cadence) rows the caller's episode variant asks for, with
    HRSD-17 when the clinic uses it; rows the therapist removed stay removed."""
    wanted = list(rows)
    if clinic_settings(client.clinic).hrsd_enabled:
        wanted += HRSD_DEFAULTS
    created = []
    for code, cadence in wanted:
        row, was_created = ScheduledMeasure.objects.get_or_create(
            context_id=context_id,
            instrument=code,
            defaults={"client": client, "cadence": cadence},
        )
        if was_created:
            created.append(row)
    return created


# Depression first (the primary outcome), then anxiety, then the occasional measures.
DISPLAY_ORDER = ("phq9", "phqa", "epds", "gad7", "hrsd17", "pg13r", "whodas12", "cssrs_screener")


def rows_for(context_id: uuid.UUID) -> list[ScheduledMeasure]:
    """The active schedule, depression measures first (other codes after, by name)."""
    order = {code: n for n, code in enumerate(DISPLAY_ORDER)}
    rows = ScheduledMeasure.objects.filter(context_id=context_id, active=True)
    return sorted(rows, key=lambda row: (order.get(row.instrument, len(order)), row.instrument))


@transaction.atomic
def set_measure(
    client: Client, context_id: uuid.UUID, instrument_code: str, cadence: str
) -> ScheduledMeasure:
    """Put an instrument on the schedule, or change its cadence."""
    if instrument_code not in instruments.CATALOGUE:
        raise ScheduleError(_("That questionnaire is not in the catalogue."))
    if cadence not in Cadence.values:
        raise ScheduleError(_("Choose how often the questionnaire is given."))
    row, _created = ScheduledMeasure.objects.update_or_create(
        context_id=context_id,
        instrument=instrument_code,
        defaults={"client": client, "cadence": cadence, "active": True},
    )
    return row


def remove_measure(context_id: uuid.UUID, instrument_code: str) -> bool:
    """Take an instrument off the schedule (kept as inactive, so defaults do not re-add it)."""
    return bool(
        ScheduledMeasure.objects.filter(
            context_id=context_id, instrument=instrument_code, active=True
        ).update(active=False)
    )


def is_due(cadence: str, session_number: int, planned: int | None) -> bool:
    """Whether a cadence asks for the instrument before session ``session_number``.

    "Every fourth" means sessions 1, 5, 9, … (IPT Institute: every 4 sessions, §2.10);
    "start and end" means session 1 and the contract's last planned session.
    """
    if cadence == Cadence.EVERY_SESSION:
        return True
    if cadence == Cadence.EVERY_FOURTH:
        return (session_number - 1) % 4 == 0
    if cadence == Cadence.START_AND_END:
        return session_number == 1 or (planned is not None and session_number == planned)
    return False


def due_instruments(
    context_id: uuid.UUID, session_number: int, planned: int | None = None
) -> list[Instrument]:
    """The catalogue instruments the schedule asks for before this session."""
    return [
        instruments.get(row.instrument)
        for row in rows_for(context_id)
        if row.instrument in instruments.CATALOGUE and is_due(row.cadence, session_number, planned)
    ]


def remote_instruments(due: Iterable[Instrument]) -> list[Instrument]:
    """What a client may complete alone: clinician-rated scales are rated in session."""
    return [instrument for instrument in due if not instrument.clinician_rated]


def describe(rows: Iterable[ScheduledMeasure]) -> list[dict[str, Any]]:
    """Rows ready for a template: title, cadence label, and whether the catalogue has it."""
    described = []
    for row in rows:
        instrument = instruments.CATALOGUE.get(row.instrument)
        described.append(
            {
                "row": row,
                "code": row.instrument,
                "title": instrument.short_title if instrument else row.instrument,
                "cadence": Cadence(row.cadence).label,
                "clinician_rated": bool(instrument and instrument.clinician_rated),
            }
        )
    return described
