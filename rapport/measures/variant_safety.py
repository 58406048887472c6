"""Medical-risk prompts for eating disorders (variants.md §5.4), on the safety workflow.

A physical observation past one of §5.4's thresholds, or with one of its red flags,
raises a ``SafetyAlert`` of source ``medical``: the therapist is told in the app and
by e-mail, it shows wherever open alerts show, it escalates until acknowledged, and
it is acknowledged by recording the referral for medical assessment
(``safety.acknowledge_referral``). The platform records and prompts; it does not
diagnose (§5.4): a named physician is responsible for medical monitoring.

Every threshold is a [VERIFY] default (§5.4: "VERIFY every value against MEED before
release; configurable"); a clinic overrides any of them in its measures settings
(``thresholds["medical_risk"]``). Under-18s use BMI centiles (% median BMI), which
Rapport does not compute: their BMI is not judged against the adult thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.clients.models import Client
from rapport.core.models import User
from rapport.measures import safety
from rapport.measures.instruments.base import Severity
from rapport.measures.models import PhysicalObservation, SafetyAlert

AMBER, RED = "amber", "red"
ADULT_AGE = 18

# §5.4 defaults [VERIFY against MEED]: (amber, red) limits; None = no such level.
THRESHOLDS: dict[str, Any] = {
    "bmi_below": (15.0, 13.0),
    "weekly_loss_from": (0.5, 1.0),  # kg a week; red needs 2 consecutive weeks
    "potassium_below": (3.5, 3.0),
    "pulse_below": (50, 40),
    "systolic_below": (90, None),
    "temperature_below": (35.5, None),
}
# §5.4: syncope, chest pain or haematemesis → red; the other red flags of §5.4
# (combined vomiting and laxatives, inadequate fluid intake) prompt at amber.
RED_FLAGS = ("syncope", "chest_pain", "blood_in_vomit")
AMBER_FLAGS = ("vomiting_and_laxatives", "low_fluid_intake")


@dataclass(frozen=True)
class Flag:
    code: str
    level: str  # AMBER or RED
    text: str


def thresholds_for(client: Client) -> dict[str, Any]:
    """The §5.4 defaults with the clinic's overrides."""
    chosen = safety.clinic_settings(client.clinic).thresholds.get("medical_risk", {})
    return THRESHOLDS | {key: tuple(value) for key, value in chosen.items() if key in THRESHOLDS}


def bmi(observation: PhysicalObservation) -> Decimal | None:
    if not observation.weight_kg or not observation.height_cm:
        return None
    metres = observation.height_cm / 100
    return (observation.weight_kg / (metres * metres)).quantize(Decimal("0.1"))


def weekly_loss(later: PhysicalObservation, earlier: PhysicalObservation) -> float | None:
    """Kilograms lost a week between two weighed observations (None if not comparable)."""
    days = (later.observed_on - earlier.observed_on).days
    if days <= 0 or later.weight_kg is None or earlier.weight_kg is None:
        return None
    return float(earlier.weight_kg - later.weight_kg) * 7 / days


def flags(
    observation: PhysicalObservation,
    earlier: list[PhysicalObservation],
    *,
    adult: bool,
    limits: dict[str, Any] | None = None,
) -> list[Flag]:
    """The §5.4 flags an observation raises; ``earlier`` weighed ones, latest first."""
    limits = limits or THRESHOLDS
    found: list[Flag] = []

    def below(code: str, value: Any, text: str) -> None:
        if value is None:
            return
        amber, red = limits[code]
        if red is not None and float(value) < red:
            found.append(Flag(code, RED, text))
        elif amber is not None and float(value) < amber:
            found.append(Flag(code, AMBER, text))

    if adult:
        below("bmi_below", bmi(observation), _("BMI %(value)s") % {"value": bmi(observation)})
    below(
        "potassium_below",
        observation.potassium,
        _("potassium %(value)s mmol/L") % {"value": observation.potassium},
    )
    below("pulse_below", observation.pulse, _("pulse %(value)s") % {"value": observation.pulse})
    below(
        "systolic_below",
        observation.systolic_bp,
        _("systolic blood pressure %(value)s") % {"value": observation.systolic_bp},
    )
    below(
        "temperature_below",
        observation.temperature_c,
        _("temperature %(value)s °C") % {"value": observation.temperature_c},
    )
    found.extend(_weight_loss(observation, earlier, limits["weekly_loss_from"]))
    for name in RED_FLAGS:
        if getattr(observation, name):
            found.append(
                Flag(name, RED, str(PhysicalObservation._meta.get_field(name).verbose_name))
            )
    for name in AMBER_FLAGS:
        if getattr(observation, name):
            found.append(
                Flag(name, AMBER, str(PhysicalObservation._meta.get_field(name).verbose_name))
            )
    return found


def _weight_loss(
    observation: PhysicalObservation, earlier: list[PhysicalObservation], limits: tuple
) -> list[Flag]:
    if not earlier:
        return []
    amber, red = limits
    rate = weekly_loss(observation, earlier[0])
    if rate is None or rate < amber:
        return []
    previous = weekly_loss(earlier[0], earlier[1]) if len(earlier) > 1 else None
    text = _("weight loss %(rate).1f kg a week") % {"rate": rate}
    # §5.4: red when ≥ 1 kg a week for 2 consecutive weeks.
    if rate >= red and previous is not None and previous >= red:
        return [Flag("weekly_loss_from", RED, text)]
    return [Flag("weekly_loss_from", AMBER, text)]


def earlier_weighed(observation: PhysicalObservation) -> list[PhysicalObservation]:
    """The two latest weighed observations before this one (enough for the loss rule)."""
    rows = PhysicalObservation.objects.filter(
        client_id=observation.client_id,
        weight_kg__isnull=False,
        observed_on__lt=observation.observed_on,
        observed_on__gte=observation.observed_on - timedelta(weeks=8),
    ).order_by("-observed_on", "-pk")
    return list(rows[:2])


def flags_of_page(client: Client, observations: list[PhysicalObservation]) -> list[list[Flag]]:
    """Each listed observation's flags in two queries, however long the list (page cost)."""
    if not observations:
        return []
    first = min(o.observed_on for o in observations) - timedelta(weeks=8)
    last = max(o.observed_on for o in observations)
    pool = list(
        PhysicalObservation.objects.filter(
            client_id=client.pk, weight_kg__isnull=False, observed_on__range=(first, last)
        ).order_by("-observed_on", "-pk")
    )
    limits = thresholds_for(client)
    result = []
    for observation in observations:
        window = observation.observed_on - timedelta(weeks=8)
        earlier = [o for o in pool if window <= o.observed_on < observation.observed_on][:2]
        adult = is_adult(client, observation.observed_on)
        result.append(flags(observation, earlier, adult=adult, limits=limits))
    return result


def is_adult(client: Client, day: Any) -> bool:
    return client.age_on(day) >= ADULT_AGE


def flags_of(observation: PhysicalObservation) -> list[Flag]:
    client = observation.client
    return flags(
        observation,
        earlier_weighed(observation),
        adult=is_adult(client, observation.observed_on),
        limits=thresholds_for(client),
    )


def record(
    client: Client, values: dict[str, Any], *, by: User
) -> tuple[PhysicalObservation, SafetyAlert | None]:
    """Store an observation and, past a threshold, raise its medical-risk alert at once."""
    with transaction.atomic():
        observation = PhysicalObservation.objects.create(
            client=client, entered_by=by, created_at=timezone.now(), **values
        )
        found = flags_of(observation)
        if not found:
            return observation, None
        red = any(flag.level == RED for flag in found)
        alert = safety.raise_from_source(
            client,
            SafetyAlert.Source.MEDICAL,
            observation.public_id,
            item="medical",
            value=len(found),
            severity=Severity.CRITICAL if red else Severity.URGENT,
        )
        return observation, alert
