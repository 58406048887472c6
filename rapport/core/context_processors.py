from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from rapport.core import needs_action
from rapport.core.access import Capability, can, is_verified_staff
from rapport.core.models import Clinic
from rapport.core.models.clinics import default_crisis_resources


def rapport(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    clinic = user.clinic if user is not None and user.is_authenticated else None
    if clinic is None:
        # Public pages show the practice's own resources (single-clinic installs).
        clinic = Clinic.objects.order_by("pk").first()
    return {
        "clinic": clinic,
        "crisis_resources": clinic.crisis_resources if clinic else default_crisis_resources(),
        "nav": {
            "clients": user is not None and can(user, Capability.VIEW_CLIENTS),
            "audit": user is not None and can(user, Capability.VIEW_AUDIT),
            "clinic_settings": user is not None and can(user, Capability.MANAGE_CLINIC),
            "intake": user is not None and can(user, Capability.ADD_CLIENT),
            "groups": user is not None and can(user, Capability.VIEW_CLINICAL),
            "calendar": user is not None
            and bool(getattr(user, "roles", None))
            and is_verified_staff(user),
            # Called by the template only where it shows the badges (staff pages).
            "needs_action": lambda: needs_action.counts(request),
        },
        "session_idle_seconds": settings.RAPPORT_SESSION_IDLE_SECONDS,
    }
