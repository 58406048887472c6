"""Rows for superbills: the client's therapist issues them; nobody else reaches the client's.

Intake coordinators and clinic admins are refused (403): a superbill prints the working
diagnosis, clinical content their roles never see. Billing details: a therapist edits
their own; a clinic admin edits any therapist's of the clinic.
"""

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from tests.authz import CLINICAL_WRITE, POST_ONLY, Row, outcomes


def _client(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": cast.client.public_id}


def _held(cast: SimpleNamespace) -> dict[str, Any]:
    from rapport.scheduling.models import Appointment

    starts = timezone.now() - timedelta(days=3)
    held = Appointment.objects.create(
        clinic=cast.clinic,
        client=cast.client,
        therapist=cast.therapist,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=50),
        status=Appointment.Status.ATTENDED,
    )
    return {"appointment_id": held.public_id}


# The cast's clinic has no billing details yet: the therapist gets the page listing them (409).
ISSUED = outcomes(therapist=409, supervisor=403, intake=403, admin=403, colleague=404, outsider=404)

EXPECTED = {
    "reports:superbill": Row(CLINICAL_WRITE, _client),
    "reports:superbill_address": Row(POST_ONLY, _client),
    "reports:superbill_appointment": Row(ISSUED, _held),
    "reports:billing_own": Row(outcomes(supervisor=403, intake=403, admin=403)),
    "reports:billing_member": Row(
        outcomes(default=403, admin=200), lambda cast: {"public_id": cast.therapist.public_id}
    ),
}
