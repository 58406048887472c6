"""An unsigned consent is flagged on the client's first session (issue 11 item 9):
on the appointment's page and its item in the calendars.

The first session is the client's earliest session that is not cancelled. A fixed
number of queries for any number of appointments.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Min

from rapport.clients.paperwork import unsigned_consent_clients
from rapport.scheduling.models import Appointment

LIVE = (
    Appointment.Status.HELD,
    Appointment.Status.BOOKED,
    Appointment.Status.ATTENDED,
    Appointment.Status.NO_SHOW,
)


def unsigned_on_first_sessions(appointments: Iterable[Appointment]) -> dict[int, list[str]]:
    """{appointment pk: [titles of unsigned consents]} for those that are a first session.

    The appointments are of one clinic (the viewer's)."""
    sessions = [
        a
        for a in appointments
        if a.client_id and a.kind == Appointment.Kind.SESSION and a.status in LIVE
    ]
    if not sessions:
        return {}
    client_ids = {a.client_id for a in sessions}
    firsts = dict(
        Appointment.objects.filter(
            client_id__in=client_ids, kind=Appointment.Kind.SESSION, status__in=LIVE
        )
        .values("client_id")
        .annotate(first=Min("starts_at"))
        .values_list("client_id", "first")
    )
    first_sessions = [a for a in sessions if firsts.get(a.client_id) == a.starts_at]
    if not first_sessions:
        return {}
    missing = unsigned_consent_clients(
        first_sessions[0].clinic_id, {a.client_id for a in first_sessions}
    )
    return {a.pk: missing[a.client_id] for a in first_sessions if a.client_id in missing}
