"""What a superbill says: the clinic, the rendering therapists, the client, and one line
per held session with its CPT code, fee and diagnosis pointers.

Only held sessions are billed: a no-show or a cancellation is counted on the page but
never itemised. No session-note or process-note text is read here at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rapport.clients.models import Client
from rapport.ipt.models import Episode, EpisodeDiagnosis
from rapport.reports.models_billing import (
    DEFAULT_MIN_90832,
    DEFAULT_MIN_90834,
    DEFAULT_MIN_90837,
    BillingSettings,
    ClientBillingAddress,
    TherapistBilling,
)
from rapport.scheduling.models import Appointment
from rapport.scheduling.timeutil import local_day_bounds, utc_to_local

EVALUATION = "90791"
DESCRIPTIONS = {
    "90791": "Psychiatric diagnostic evaluation",
    "90832": "Psychotherapy, 30 minutes with patient",
    "90834": "Psychotherapy, 45 minutes with patient",
    "90837": "Psychotherapy, 60 minutes with patient",
}
NOT_BILLED = (
    Appointment.Status.NO_SHOW,
    Appointment.Status.CANCELLED,
    Appointment.Status.LATE_CANCELLED,
)
MAX_PERIOD_DAYS = 366  # a superbill covers at most a year of sessions
POINTERS = "ABCDEFGHIJKL"  # a claim form carries up to twelve diagnoses


@dataclass(frozen=True)
class CodeRules:
    """Where each psychotherapy code starts, in minutes of the session."""

    min_90832: int = DEFAULT_MIN_90832
    min_90834: int = DEFAULT_MIN_90834
    min_90837: int = DEFAULT_MIN_90837
    first_session_is_evaluation: bool = False

    @classmethod
    def of(cls, settings: BillingSettings | None) -> CodeRules:
        if settings is None:
            return cls()
        return cls(
            settings.min_minutes_90832,
            settings.min_minutes_90834,
            settings.min_minutes_90837,
            settings.first_session_is_evaluation,
        )


def psychotherapy_code(minutes: int, rules: CodeRules = CodeRules()) -> str | None:
    """The CPT code for a psychotherapy session of ``minutes`` (None: too short to bill)."""
    if minutes >= rules.min_90837:
        return "90837"
    if minutes >= rules.min_90834:
        return "90834"
    if minutes >= rules.min_90832:
        return "90832"
    return None


@dataclass
class Line:
    day: dt.date
    starts: dt.datetime
    minutes: int
    code: str | None
    description: str
    fee: Decimal | None
    provider: Any
    pointers: str
    place: str


@dataclass
class Problem:
    """A billing detail that is missing, and where it is filled in."""

    text: str
    where: str
    url: str = ""


@dataclass
class Superbill:
    settings: BillingSettings
    client: Client
    address: str
    first_day: dt.date
    last_day: dt.date
    lines: list[Line]
    providers: list[tuple[Any, TherapistBilling]]
    diagnoses: list[tuple[str, EpisodeDiagnosis]]
    not_billed: dict[str, int]
    generated_at: dt.datetime
    fees_shown: bool = False
    total: Decimal = Decimal("0")
    unbillable: int = 0
    notes: list[str] = field(default_factory=list)


class Incomplete(Exception):
    """A superbill cannot be made until these details are filled in."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("billing details missing")
        self.problems = problems


def settings_of(clinic: Any) -> BillingSettings | None:
    return BillingSettings.objects.filter(clinic=clinic).first()


def clinic_problems(settings: BillingSettings | None) -> list[str]:
    """The clinic's required details that are empty (names of what to fill in)."""
    if settings is None:
        return [_("practice name"), _("address"), _("phone"), _("tax ID (EIN)")]
    wanted = {
        _("practice name"): settings.practice_name,
        _("address"): settings.address,
        _("phone"): settings.phone,
        _("tax ID (EIN)"): settings.tax_id,
    }
    return [name for name, value in wanted.items() if not value.strip()]


def therapist_problems(details: TherapistBilling | None) -> list[str]:
    if details is None:
        return [_("credential letters"), _("licence number and state"), _("NPI")]
    missing = []
    if not details.credentials.strip():
        missing.append(_("credential letters"))
    if not (details.license_number.strip() and details.license_state.strip()):
        missing.append(_("licence number and state"))
    if not details.npi.strip():
        missing.append(_("NPI"))
    return missing


def held_in_period(client: Client, first: dt.date, last: dt.date) -> Any:
    """The client's held (attended) appointments between two local dates, inclusive."""
    zone = client.clinic.time_zone
    start, _end = local_day_bounds(first, zone)
    _start, end = local_day_bounds(last, zone)
    return Appointment.objects.filter(
        client=client, starts_at__gte=start, starts_at__lt=end
    ).select_related("therapist")


def build(
    client: Client, appointments: list[Appointment], first: dt.date, last: dt.date, viewer: Any
) -> Superbill:
    """The superbill of ``appointments`` (any status: only held ones become lines).

    Raises ``Incomplete`` listing every missing billing detail, so the user fixes all
    of them in one round rather than one per attempt.
    """
    clinic = client.clinic
    settings = settings_of(clinic)
    rules = CodeRules.of(settings)
    held = [a for a in appointments if a.status == Appointment.Status.ATTENDED]
    not_billed = {
        "no_show": sum(a.status == Appointment.Status.NO_SHOW for a in appointments),
        "cancelled": sum(
            a.status in (Appointment.Status.CANCELLED, Appointment.Status.LATE_CANCELLED)
            for a in appointments
        ),
    }
    therapists = {a.therapist_id: a.therapist for a in held}
    details = {
        d.therapist_id: d for d in TherapistBilling.objects.filter(therapist_id__in=therapists)
    }
    address = ClientBillingAddress.objects.filter(client=client).first()
    episodes = _episodes_of(client, held)
    diagnoses = _diagnoses(set(episodes.values()))
    problems = _problems(
        settings, therapists, details, address, client, held, episodes, diagnoses, viewer
    )
    if problems:
        raise Incomplete(problems)
    evaluation_id = _first_session_id(client) if rules.first_session_is_evaluation else None
    pointers = {d.pk: POINTERS[i] for i, d in enumerate(_listed(diagnoses))}
    zone = clinic.time_zone
    lines = []
    for appointment in held:
        minutes = int((appointment.ends_at - appointment.starts_at).total_seconds() // 60)
        if appointment.kind == Appointment.Kind.CONSULTATION or appointment.pk == evaluation_id:
            code = EVALUATION
        else:
            code = psychotherapy_code(minutes, rules)
        fee = getattr(settings, f"fee_{code}") if code else None
        episode = episodes[appointment.pk]
        lines.append(
            Line(
                day=utc_to_local(appointment.starts_at, zone).date(),
                starts=utc_to_local(appointment.starts_at, zone),
                minutes=minutes,
                code=code,
                description=DESCRIPTIONS[code]
                if code
                else _("Under %(minutes)d minutes: no psychotherapy code applies")
                % {"minutes": rules.min_90832},
                fee=fee,
                provider=appointment.therapist,
                pointers="".join(pointers[d.pk] for d in diagnoses.get(episode.pk, [])),
                place=_("Telehealth (10)") if appointment.video_link else _("Office (11)"),
            )
        )
    fees = [line.fee for line in lines if line.fee is not None]
    return Superbill(
        settings=settings,
        client=client,
        address=address.address,
        first_day=first,
        last_day=last,
        lines=lines,
        providers=[(therapists[pk], details[pk]) for pk in sorted(therapists)],
        diagnoses=[(pointers[d.pk], d) for d in _listed(diagnoses)],
        not_billed=not_billed,
        generated_at=timezone.now(),
        fees_shown=bool(fees),
        total=sum(fees, Decimal("0")),
        unbillable=sum(line.code is None for line in lines),
    )


def _episodes_of(client: Client, held: list[Appointment]) -> dict[int, Episode]:
    """Each held appointment's episode: the one it was booked for, else the client's
    latest episode started by that day (else their first)."""
    found = list(Episode.objects.filter(client=client).only("pk", "public_id", "started_on"))
    by_public = {e.public_id: e for e in found}
    ordered = sorted(found, key=lambda e: (e.started_on, e.pk))
    chosen = {}
    for appointment in held:
        episode = by_public.get(appointment.context_id)
        if episode is None and ordered:
            day = appointment.starts_at.date()
            started = [e for e in ordered if e.started_on <= day]
            episode = started[-1] if started else ordered[0]
        chosen[appointment.pk] = episode
    return chosen


def _diagnoses(episodes: set[Episode | None]) -> dict[int, list[EpisodeDiagnosis]]:
    """The current working diagnoses of each episode, primary first."""
    keys = [e.pk for e in episodes if e is not None]
    found: dict[int, list[EpisodeDiagnosis]] = {}
    rows = EpisodeDiagnosis.objects.current().filter(episode_id__in=keys).order_by("rank", "pk")
    for row in rows:
        found.setdefault(row.episode_id, []).append(row)
    return found


def _listed(diagnoses: dict[int, list[EpisodeDiagnosis]]) -> list[EpisodeDiagnosis]:
    """Each distinct code once, primary codes first, at most twelve."""
    seen, listed = set(), []
    rows = sorted((d for ds in diagnoses.values() for d in ds), key=lambda d: (d.rank, d.pk))
    for row in rows:
        if row.code not in seen:
            seen.add(row.code)
            listed.append(row)
    return listed[: len(POINTERS)]


def _first_session_id(client: Client) -> int | None:
    """The client's first held session, when no initial consultation was ever held."""
    held = Appointment.objects.filter(client=client, status=Appointment.Status.ATTENDED)
    if held.filter(kind=Appointment.Kind.CONSULTATION).exists():
        return None
    return held.order_by("starts_at", "pk").values_list("pk", flat=True).first()


def _problems(
    settings: BillingSettings | None,
    therapists: dict[int, Any],
    details: dict[int, TherapistBilling],
    address: ClientBillingAddress | None,
    client: Client,
    held: list[Appointment],
    episodes: dict[int, Episode | None],
    diagnoses: dict[int, list[EpisodeDiagnosis]],
    viewer: Any,
) -> list[Problem]:
    problems = []
    missing = clinic_problems(settings)
    if missing:
        problems.append(
            Problem(
                _("The clinic's %(what)s.") % {"what": ", ".join(missing)},
                _("A clinic admin fills these in under Clinic settings → Billing."),
            )
        )
    for pk, therapist in sorted(therapists.items()):
        missing = therapist_problems(details.get(pk))
        if missing:
            problems.append(
                Problem(
                    _("%(name)s's %(what)s.")
                    % {
                        "name": therapist.get_full_name() or therapist.username,
                        "what": ", ".join(missing),
                    },
                    _("The therapist fills these in under Billing details (or a clinic admin)."),
                    reverse("reports:billing_own") if therapist == viewer else "",
                )
            )
    if address is None or not address.address.strip():
        problems.append(
            Problem(
                _("The client's postal address."),
                _("Fill it in on this page, under the client's address."),
                reverse("reports:superbill", args=[client.public_id]) + "#client-address",
            )
        )
    undiagnosed = {e.pk: e for e in episodes.values() if e is not None and not diagnoses.get(e.pk)}
    if any(e is None for e in episodes.values()):
        problems.append(
            Problem(
                _("A working diagnosis: the client has no IPT episode to record it on."),
                _("Start the client's episode, then record the diagnosis on it."),
            )
        )
    for episode in sorted(undiagnosed.values(), key=lambda e: e.started_on):
        problems.append(
            Problem(
                _("A working diagnosis (ICD-10-CM) on the course started %(day)s.")
                % {"day": date_format(episode.started_on, "j M Y")},
                _("The therapist records it on the episode's diagnosis page."),
                reverse("ipt:diagnosis", args=[episode.public_id]),
            )
        )
    return problems
