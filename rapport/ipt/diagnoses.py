"""Working diagnoses an episode may record: ICD-10-CM codes for the conditions IPT treats.

The codes and titles are those of the ICD-10-CM code set (CMS and NCHS, public
domain), tabular list in force from 1 October 2025 (FY2026). The list holds the
depressive disorders IPT was made for (ipt-protocol.md §1.3 task 1) and the
conditions its variants treat (variants.md: bipolar disorder for IPSRT, eating
disorders, anxiety and PTSD, the perinatal period, grief). It is a picker, not a
classifier: the clinician diagnoses; Rapport records the code, its title, the date
and who recorded it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.core import audit

# The version of the code set the titles come from; stored with each diagnosis.
CODE_SYSTEM = "ICD-10-CM"
CODE_SYSTEM_VERSION = "FY2026"
CODE_SYSTEM_URI = "http://hl7.org/fhir/sid/icd-10-cm"


@dataclass(frozen=True)
class Code:
    code: str
    title: str
    group: str


DEPRESSIVE = _("Depressive disorders")
BIPOLAR = _("Bipolar disorders (IPSRT)")
ANXIETY = _("Anxiety and trauma-related disorders")
EATING = _("Eating disorders")
PERINATAL = _("Perinatal")
ADJUSTMENT = _("Adjustment and grief")

_CODES = [
    (DEPRESSIVE, "F32.0", "Major depressive disorder, single episode, mild"),
    (DEPRESSIVE, "F32.1", "Major depressive disorder, single episode, moderate"),
    (
        DEPRESSIVE,
        "F32.2",
        "Major depressive disorder, single episode, severe without psychotic features",
    ),
    (
        DEPRESSIVE,
        "F32.3",
        "Major depressive disorder, single episode, severe with psychotic features",
    ),
    (DEPRESSIVE, "F32.4", "Major depressive disorder, single episode, in partial remission"),
    (DEPRESSIVE, "F32.5", "Major depressive disorder, single episode, in full remission"),
    (DEPRESSIVE, "F32.89", "Other specified depressive episodes"),
    (DEPRESSIVE, "F32.9", "Major depressive disorder, single episode, unspecified"),
    (DEPRESSIVE, "F32.A", "Depression, unspecified"),
    (DEPRESSIVE, "F33.0", "Major depressive disorder, recurrent, mild"),
    (DEPRESSIVE, "F33.1", "Major depressive disorder, recurrent, moderate"),
    (DEPRESSIVE, "F33.2", "Major depressive disorder, recurrent severe without psychotic features"),
    (DEPRESSIVE, "F33.3", "Major depressive disorder, recurrent, severe with psychotic symptoms"),
    (DEPRESSIVE, "F33.40", "Major depressive disorder, recurrent, in remission, unspecified"),
    (DEPRESSIVE, "F33.41", "Major depressive disorder, recurrent, in partial remission"),
    (DEPRESSIVE, "F33.42", "Major depressive disorder, recurrent, in full remission"),
    (DEPRESSIVE, "F33.8", "Other recurrent depressive disorders"),
    (DEPRESSIVE, "F33.9", "Major depressive disorder, recurrent, unspecified"),
    (DEPRESSIVE, "F34.1", "Dysthymic disorder"),
    (DEPRESSIVE, "F32.81", "Premenstrual dysphoric disorder"),
    (BIPOLAR, "F31.0", "Bipolar disorder, current episode hypomanic"),
    (
        BIPOLAR,
        "F31.30",
        "Bipolar disorder, current episode depressed, mild or moderate severity, unspecified",
    ),
    (BIPOLAR, "F31.31", "Bipolar disorder, current episode depressed, mild"),
    (BIPOLAR, "F31.32", "Bipolar disorder, current episode depressed, moderate"),
    (
        BIPOLAR,
        "F31.4",
        "Bipolar disorder, current episode depressed, severe, without psychotic features",
    ),
    (
        BIPOLAR,
        "F31.5",
        "Bipolar disorder, current episode depressed, severe, with psychotic features",
    ),
    (BIPOLAR, "F31.60", "Bipolar disorder, current episode mixed, unspecified"),
    (
        BIPOLAR,
        "F31.70",
        "Bipolar disorder, currently in remission, most recent episode unspecified",
    ),
    (BIPOLAR, "F31.81", "Bipolar II disorder"),
    (BIPOLAR, "F31.9", "Bipolar disorder, unspecified"),
    (BIPOLAR, "F34.0", "Cyclothymic disorder"),
    (ANXIETY, "F41.1", "Generalized anxiety disorder"),
    (ANXIETY, "F41.0", "Panic disorder [episodic paroxysmal anxiety]"),
    (ANXIETY, "F40.10", "Social phobia, unspecified"),
    (ANXIETY, "F41.9", "Anxiety disorder, unspecified"),
    (ANXIETY, "F43.10", "Post-traumatic stress disorder, unspecified"),
    (ANXIETY, "F43.12", "Post-traumatic stress disorder, chronic"),
    # FY2025 split these by severity; the "unspecified" codes are the valid ones to pick.
    (EATING, "F50.20", "Bulimia nervosa, unspecified"),
    (EATING, "F50.819", "Binge eating disorder, unspecified"),
    (EATING, "F50.00", "Anorexia nervosa, unspecified"),
    (EATING, "F50.9", "Eating disorder, unspecified"),
    (PERINATAL, "F53.0", "Postpartum depression"),
    (PERINATAL, "O99.345", "Other mental disorders complicating the puerperium"),
    (PERINATAL, "O99.340", "Other mental disorders complicating pregnancy, unspecified trimester"),
    (ADJUSTMENT, "F43.21", "Adjustment disorder with depressed mood"),
    (ADJUSTMENT, "F43.23", "Adjustment disorder with mixed anxiety and depressed mood"),
    (ADJUSTMENT, "F43.81", "Prolonged grief disorder"),
]

CATALOGUE: dict[str, Code] = {code: Code(code, title, group) for group, code, title in _CODES}
GROUPS = [DEPRESSIVE, BIPOLAR, ANXIETY, EATING, PERINATAL, ADJUSTMENT]


def search(text: str) -> list[Code]:
    """Codes whose code or title holds every word of ``text`` (case-insensitive)."""
    words = text.lower().split()
    return [
        code
        for code in CATALOGUE.values()
        if all(word in f"{code.code} {code.title}".lower() for word in words)
    ]


# --- Recording ----------------------------------------------------------------------


def record(
    episode: Any, *, code: str, rank: int, diagnosed_on: date, by: Any, request: Any = None
) -> Any:
    """Make ``code`` the episode's current diagnosis of ``rank``, replacing any before it."""
    from rapport.ipt.models import EpisodeDiagnosis

    picked = CATALOGUE[code]
    with transaction.atomic():
        earlier = (
            EpisodeDiagnosis.objects.current()
            .select_for_update()
            .filter(episode=episode, rank=rank)
        )
        for old in earlier:
            _close(old, by=by, reason="changed", request=request)
        made = EpisodeDiagnosis.objects.create(
            episode=episode,
            rank=rank,
            code=picked.code,
            title=picked.title,
            code_system_version=CODE_SYSTEM_VERSION,
            diagnosed_on=diagnosed_on,
            recorded_by=by,
        )
        audit.record(
            request, "ipt.diagnosis.recorded", made, fields=["code", "rank", "diagnosed_on"]
        )
    return made


def remove(diagnosis: Any, *, by: Any, reason: str, request: Any = None) -> None:
    """Take a current diagnosis off the episode (kept in its history)."""
    with transaction.atomic():
        _close(diagnosis, by=by, reason=reason, request=request)


def _close(diagnosis: Any, *, by: Any, reason: str, request: Any) -> None:
    diagnosis.replaced_at = timezone.now()
    diagnosis.replaced_by = by
    diagnosis.end_reason = reason
    diagnosis.save(update_fields=["replaced_at", "replaced_by", "end_reason"])
    audit.record(request, "ipt.diagnosis.ended", diagnosis, fields=["end_reason"])


def as_of(episode: Any, moment: datetime) -> list[Any]:
    """The diagnoses that were current at ``moment`` (what a document made then showed)."""
    from rapport.ipt.models import EpisodeDiagnosis

    return list(
        EpisodeDiagnosis.objects.filter(episode=episode, recorded_at__lte=moment)
        .filter(Q(replaced_at__isnull=True) | Q(replaced_at__gt=moment))
        .order_by("rank")
    )
