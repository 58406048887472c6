"""Authorization rows of availability and the calendars.

A therapist manages their own hours and sees their own calendar; intake and
admin manage every therapist of the clinic (and see the clinic-wide day); a
supervisor without a caseload is refused (403); another therapist's page is out
of reach for a colleague or outsider (404).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests.authz import POST_ONLY, Row, outcomes


def therapist(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": cast.therapist.public_id}


OWN_OR_COORDINATOR = outcomes(supervisor=403, colleague=404, outsider=404)

EXPECTED = {
    "scheduling:availability_index": Row(
        outcomes(therapist=302, colleague=302, outsider=302, supervisor=403)
    ),
    "scheduling:availability": Row(OWN_OR_COORDINATOR, therapist),
    "scheduling:hours_add": Row(POST_ONLY, therapist),
    "scheduling:hours_delete": Row(POST_ONLY, therapist),
    "scheduling:time_off_add": Row(POST_ONLY, therapist),
    "scheduling:time_off_delete": Row(POST_ONLY, therapist),
    "scheduling:calendar_week": Row(outcomes(supervisor=403)),
    "scheduling:calendar_day": Row(outcomes(supervisor=403)),
    "scheduling:calendar_clinic": Row(outcomes(default=403, intake=200, admin=200)),
}
