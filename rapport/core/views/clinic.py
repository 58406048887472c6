"""The clinic settings page: one page, one group per concern, each saved on its own.

Core owns the clinic's name, zone and crisis resources; the apps above add their
groups (scheduling, questionnaires, safety, outcome bands, closure days) through
``rapport.core.hooks.settings_section``, so core imports none of them. Each group
is its own form: a mistake in one group never loses or blocks another.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.core.access import Capability, requires
from rapport.core.forms import ClinicSettingsForm
from rapport.core.hooks import SettingsSection, settings_section, settings_sections
from rapport.core.settings_forms import record_changes


@requires(Capability.MANAGE_CLINIC)
def clinic_settings(request: HttpRequest) -> HttpResponse:
    posted = request.POST.get("section") if request.method == "POST" else None
    groups: list[tuple[SettingsSection, dict[str, Any]]] = []
    for section in settings_sections():
        data = request.POST if section.key == posted else None
        context = section.build(request, data)
        if data is not None and context["form"].is_valid():
            messages.success(request, f"{section.title}: {section.save(request, context)}")
            return redirect(f"{reverse('core:clinic_settings')}#{section.key}")
        groups.append((section, context))
    status = 200
    if posted is not None and not any(section.key == posted for section, _c in groups):
        status = 400  # a section this page does not have
    return render(request, "core/clinic_settings.html", {"groups": groups}, status=status)


def _clinic_group(request: HttpRequest, data: Any) -> dict[str, Any]:
    clinic = request.user.clinic
    form = ClinicSettingsForm(data, instance=clinic, prefix="clinic")
    lines = len(clinic.crisis_resources)
    effects = [
        _("Times are shown in %(zone)s unless a person sets their own zone.")
        % {"zone": clinic.time_zone},
        _("Every page shows %(n)d crisis resource(s) at its foot.") % {"n": lines},
    ]
    return {"form": form, "effects": effects}


def _save_clinic(request: HttpRequest, context: dict[str, Any]) -> str:
    form: ClinicSettingsForm = context["form"]
    changes = form.changes()
    form.save()
    return record_changes(request, "core.clinic.updated", form.instance, changes)


settings_section(
    SettingsSection(
        key="clinic",
        title=gettext_lazy("Clinic"),
        order=10,
        build=_clinic_group,
        save=_save_clinic,
    )
)
