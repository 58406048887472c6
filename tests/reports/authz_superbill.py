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
    """A held session of the cast's client, with every billing detail a superbill needs."""
    from rapport.ipt import diagnoses
    from rapport.reports.models_billing import (
        BillingSettings,
        ClientBillingAddress,
        TherapistBilling,
    )
    from rapport.scheduling.models import Appointment

    client, episode = cast.client, cast.episode
    therapist = client.assigned_therapist
    BillingSettings.objects.get_or_create(
        clinic=cast.clinic,
        defaults={"practice_name": "P", "address": "A", "phone": "1", "tax_id": "12-3456789"},
    )
    TherapistBilling.objects.get_or_create(
        therapist=therapist,
        defaults={
            "credentials": "PhD",
            "license_number": "1",
            "license_state": "NY",
            "npi": "1234567893",
        },
    )
    ClientBillingAddress.objects.get_or_create(
        client=client, defaults={"address": "1 Elm St", "updated_by": therapist}
    )
    if not episode.diagnoses.filter(replaced_at__isnull=True).exists():
        diagnoses.record(
            episode, code="F33.1", rank=1, diagnosed_on=episode.started_on, by=therapist
        )
    starts = timezone.now() - timedelta(days=3)
    held = Appointment.objects.create(
        clinic=cast.clinic,
        client=client,
        therapist=therapist,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=50),
        status=Appointment.Status.ATTENDED,
        context_id=episode.public_id,
    )
    return {"appointment_id": held.public_id}


EXPECTED = {
    "reports:superbill": Row(CLINICAL_WRITE, _client),
    "reports:superbill_address": Row(POST_ONLY, _client),
    "reports:superbill_appointment": Row(CLINICAL_WRITE, _held),
    "reports:billing_own": Row(outcomes(supervisor=403, intake=403, admin=403)),
    "reports:billing_member": Row(
        outcomes(default=403, admin=200), lambda cast: {"public_id": cast.therapist.public_id}
    ),
}
