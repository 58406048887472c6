"""The FHIR R4 read API (docs/fhir.md)."""

from django.http import HttpRequest, JsonResponse

FHIR_JSON = "application/fhir+json"


def metadata(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"resourceType": "CapabilityStatement"}, content_type=FHIR_JSON)
