"""The demo clinic's other individual manuals (issue 15 items 6 and 8).

Every individual, adult manual of the catalogue that no earlier demo loader gave an
episode (eating disorders, PTSD, social anxiety, perinatal, Stuart & Robertson) gets
one invented client with an episode of it, started three weeks ago, and a session-1
baseline of each measure its schedule applies (variants.py ``schedule_rows``). A
manual whose note has a medical-monitoring section (§5.4) also gets two physical
observations within the thresholds (the demo's one open client alert stays the PHQ-9
one). Chosen by data, never by name.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from rapport.clients.models import Client
from rapport.core.hooks import demo_loader
from rapport.ipt import services, variants
from rapport.ipt.models import Episode
from rapport.measures import engine, instruments, variant_safety
from rapport.measures import services as measure_services
from rapport.measures.instruments.base import Instrument
from rapport.measures.models import PhysicalObservation, Response

WEEK = timedelta(weeks=1)
NAMES = ("Avery", "Blake", "Casey", "Devon", "Emery", "Finley", "Gray", "Harper")
MONITORING = "medical_monitoring"  # the note section of §5.4's medical monitoring


def wanted(clinic: Any) -> list[variants.VariantDefinition]:
    """Individual adult manuals with no episode in the clinic yet, in catalogue order."""
    present = set(Episode.objects.filter(client__clinic=clinic).values_list("variant", flat=True))
    return [
        definition
        for definition in variants.DEFINITIONS.values()
        if definition.delivery == variants.Delivery.INDIVIDUAL
        and not definition.involves_guardians
        and definition.code not in present
    ]


@demo_loader(order=750)
def load_variants(clinic: Any, staff: dict[str, Any]) -> None:
    therapist = staff["therapist"]
    today = timezone.localdate()
    for number, definition in enumerate(wanted(clinic)):
        client = Client.objects.create(
            clinic=clinic,
            given_name=NAMES[number % len(NAMES)],
            family_name="Example",
            date_of_birth=date(today.year - 30 - number, 3, 1),
            email=f"demo.variant{number}@example.invalid",
            assigned_therapist=therapist,
            background=f"Fictional demo client: {definition.label}.",
        )
        started = today - 3 * WEEK
        episode = services.open_episode(
            client, therapist=therapist, started_on=started, variant=definition.code
        )
        for code, _cadence in definition.schedule_rows():
            _baseline(client, episode, instruments.get(code), therapist)
        if any(section.code == MONITORING for section in definition.note_sections):
            _observations(client, started, therapist)


def _baseline(client: Client, episode: Episode, instrument: Instrument, by: Any) -> None:
    measure_services.record_response(
        client=client,
        instrument_code=instrument.code,
        answers=baseline_answers(instrument),
        mode=Response.Mode.IN_SESSION,
        entered_by=by,
        context_id=episode.public_id,
        session_number=1,
        submitted_at=timezone.now() - 3 * WEEK,
    )


def baseline_answers(instrument: Instrument) -> dict[str, int]:
    """A moderate answer set (the second option of each question asked), never positive on
    a safety item: the demo's safety alerts come from its own scenarios."""
    triggers = {trigger.item: trigger.minimum for trigger in instrument.safety}
    answers: dict[str, int] = {}
    for item in instrument.items:
        if item.shown_if is not None:
            continue
        values = sorted(option.value for option in item.options)
        if item.key in triggers:
            answers[item.key] = next(
                v for v in values if engine.item_score(item, v) < triggers[item.key]
            )
        else:
            answers[item.key] = values[min(1, len(values) - 1)]
    return answers


def _observations(client: Client, started: date, by: Any) -> None:
    base = {
        "source": PhysicalObservation.Source.CLINIC,
        "height_cm": Decimal(168),
        "systolic_bp": 104,
    }
    variant_safety.record(
        client, base | {"observed_on": started, "weight_kg": Decimal(58), "pulse": 62}, by=by
    )
    variant_safety.record(
        client,
        base | {"observed_on": started + WEEK, "weight_kg": Decimal("57.8"), "pulse": 58},
        by=by,
    )
