"""Authorization rows of series, appointments, reminder replies and calendar feeds.

Appointments of cast.client: everyone who sees the client sees them (therapist,
supervisor, intake, admin); changing them needs EDIT_DEMOGRAPHICS (the
supervisor is refused, 403); colleague and outsider never reach them (404).
The reminder reply and the feed are public by token (a forged feed token: 404).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from rapport.scheduling import reminders
from rapport.scheduling.booking import book
from rapport.scheduling.models import Appointment, Series
from tests.authz import CLINICAL_WRITE, POST_ONLY, Row, outcomes

FUTURE = dt.datetime(2030, 3, 5, 15, tzinfo=dt.UTC)


def _appointment(cast: SimpleNamespace) -> Appointment:
    return book(
        clinic=cast.clinic,
        therapist=cast.therapist,
        client=cast.client,
        starts_at=FUTURE,
        ends_at=FUTURE + dt.timedelta(minutes=50),
        kind=Appointment.Kind.SESSION,
        by=cast.therapist,
        context_id=cast.episode.public_id,
    )


def appointment(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": _appointment(cast).public_id}


def reply(cast: SimpleNamespace) -> dict[str, Any]:
    return {"token": reminders.reply_token(_appointment(cast))}


def series(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": _series(cast).public_id}


def unplaced(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": _series(cast).public_id, "index": 1}


def _series(cast: SimpleNamespace) -> Series:
    return Series.objects.create(
        client=cast.client,
        therapist=cast.therapist,
        context_id=cast.episode.public_id,
        first_starts_at=FUTURE,
        local_time=dt.time(10),
        time_zone="America/New_York",
        count=2,
        created_by=cast.therapist,
    )


def with_contract(cast: SimpleNamespace) -> dict[str, Any]:
    from tests.ipt.notes_helpers import contract

    contract(cast.episode)
    return {"public_id": cast.episode.public_id}


SEE = outcomes(colleague=404, outsider=404)
CHANGE = outcomes(supervisor=403, colleague=404, outsider=404)
PUBLIC = outcomes(anon=200, no2fa=200, default=200)

EXPECTED = {
    "scheduling:series": Row(SEE, series),
    "scheduling:series_place": Row(CHANGE, unplaced),
    "scheduling:appointment": Row(SEE, appointment),
    "scheduling:client_appointments": Row(SEE, lambda cast: {"public_id": cast.client.public_id}),
    "scheduling:appointment_cancel": Row(CHANGE, appointment),
    "scheduling:appointment_reschedule": Row(CHANGE, appointment),
    "scheduling:appointment_attendance": Row(POST_ONLY, appointment),
    "scheduling:appointment_video": Row(POST_ONLY, appointment),
    "scheduling:reminder_reply": Row(PUBLIC, reply),
    "scheduling:feeds": Row(outcomes()),
    "scheduling:feed_create": Row(POST_ONLY),
    "scheduling:feed_revoke": Row(POST_ONLY),
    "scheduling:feed": Row(
        outcomes(anon=404, no2fa=404, default=404), lambda cast: {"token": "forged"}
    ),
    "ipt:book_series": Row(CLINICAL_WRITE, with_contract),
}
