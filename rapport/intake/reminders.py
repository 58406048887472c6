"""Reminders for an initial consultation booked before the person is a client."""

from __future__ import annotations

from rapport.intake.models import ConsultationRequest
from rapport.scheduling.models import Appointment
from rapport.scheduling.reminders import recipient_source


@recipient_source
def request_address(appointment: Appointment) -> str:
    """The e-mail the person gave on their consultation request, if any."""
    if appointment.request_id is None:
        return ""
    request = ConsultationRequest.objects.filter(public_id=appointment.request_id).first()
    return request.email if request is not None else ""
