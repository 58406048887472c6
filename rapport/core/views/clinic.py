from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.core.forms import ClinicSettingsForm


@requires(Capability.MANAGE_CLINIC)
def clinic_settings(request: HttpRequest) -> HttpResponse:
    clinic = request.user.clinic
    form = ClinicSettingsForm(request.POST or None, instance=clinic)
    if request.method == "POST" and form.is_valid():
        form.save()
        changed = [("crisis_resources" if f == "crisis_text" else f) for f in form.changed_data]
        audit.record(request, "core.clinic.updated", clinic, fields=changed)
        messages.success(request, _("Clinic settings saved."))
        return redirect("core:clinic_settings")
    return render(request, "core/clinic_settings.html", {"form": form})
