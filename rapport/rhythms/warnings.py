"""Early-warning signs alert the therapist (variants.md §4.6).

The rule is the spec's proposal, marked [VERIFY]: mood +3 or higher on 2 days in a row,
-3 or lower on 3, two nights 2 hours below the client's usual sleep, or the rhythm score
1.0 below its baseline (``timeline.early_warnings``). Each sign seen after a diary entry
opens an urgent alert through measures' one workflow: the therapist is told at once, it
escalates until acknowledged, and it is acknowledged by what was done, not by a
suicide-risk assessment. The same sign on the same episode is not raised again within
two weeks of its last alert, open or acknowledged, so a sign that lasts does not alert
every day. The client is told the diary is not watched around the clock, as on every
portal page.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from rapport.core.access import Capability
from rapport.ipt.models import Episode
from rapport.measures import alert_sources, safety
from rapport.measures.instruments.base import Severity
from rapport.measures.models import SafetyAlert
from rapport.rhythms import timeline

SEVERITY = Severity.URGENT  # §5.1 step 2: review today
QUIET = timedelta(days=timeline.RECENT_DAYS)
WORDS = {
    timeline.HIGH_MOOD_SIGN: "Mood +{high} or higher on {days} days in a row",
    timeline.LOW_MOOD_SIGN: "Mood {low} or lower on {days} days in a row",
    timeline.SHORT_SLEEP_SIGN: "Two nights or more, {hours} hours below the usual sleep",
    timeline.RHYTHM_DROP_SIGN: "Rhythm score {drop} or more below the baseline",
}


def raise_new_signs(episode: Episode) -> list[SafetyAlert]:
    """Open an alert for each sign the diary shows now and that has had none lately."""
    signs = timeline.load(episode).warnings
    if not signs:
        return []
    recent = set(
        SafetyAlert.objects.filter(
            client_id=episode.client_id,
            source_id=episode.public_id,
            item=alert_sources.EARLY_WARNING,
            created_at__gte=timezone.now() - QUIET,
        ).values_list("value", flat=True)
    )
    return [
        safety.raise_from_source(
            episode.client,
            SafetyAlert.Source.PRACTICE,
            episode.public_id,
            item=alert_sources.EARLY_WARNING,
            value=sign.code,
            severity=SEVERITY,
        )
        for sign in signs
        if sign.code not in recent
    ]


@alert_sources.item_answer(alert_sources.EARLY_WARNING)
def sign_words(alert: SafetyAlert) -> str:
    """The rule the diary met (the alert page recomputes nothing: the rule is the record)."""
    words = WORDS.get(alert.value, "An early-warning sign")
    return words.format(
        high=timeline.HIGH_MOOD,
        low=timeline.LOW_MOOD,
        days=timeline.HIGH_DAYS if alert.value == timeline.HIGH_MOOD_SIGN else timeline.LOW_DAYS,
        hours=timeline.SLEEP_DROP_HOURS,
        drop=timeline.SRM_DROP,
    )


@alert_sources.source_link(SafetyAlert.Source.PRACTICE, alert_sources.EARLY_WARNING)
def diary_link(user: Any, alert: SafetyAlert) -> tuple[str, str] | None:
    """The alert page points at the episode's rhythm diary, for those who may read it."""
    found = Episode.objects.visible_to(user, Capability.VIEW_CLINICAL).filter(
        public_id=alert.source_id
    )
    if not found.exists():
        return None
    return reverse("rhythms:page", args=[alert.source_id]), "Open the rhythm diary"
