"""Measures knows a consultation request only as a subject id; this says which request it is.

Registered with ``measures.subjects``: an alert page of a self-screen links to the
request, for whoever may open the request (``ConsultationRequest.objects.visible_to``).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from rapport.intake.models import ConsultationRequest
from rapport.measures import subjects


@subjects.describer
def consultation_request(user: Any, subject_id: uuid.UUID) -> tuple[str, str] | None:
    visible = ConsultationRequest.objects.visible_to(user).filter(public_id=subject_id)
    found = visible.values_list("public_id", "name").first()
    if found is None:
        return None
    public_id, name = found
    label = _("Consultation request from %(name)s") % {"name": name}
    return reverse("intake:request", args=[public_id]), label
