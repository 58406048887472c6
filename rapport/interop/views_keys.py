"""A clinic admin makes, lists and revokes the clinic's FHIR API keys."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rapport.core.access import Capability, requires
from rapport.interop.models import ApiKey


@requires(Capability.MANAGE_CLINIC)
def key_list(request: HttpRequest) -> HttpResponse:
    keys = ApiKey.objects.filter(clinic=request.user.clinic).select_related("practitioner")
    return render(request, "interop/keys.html", {"keys": keys})
