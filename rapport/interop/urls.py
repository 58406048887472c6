"""URLs of the interop app, mounted twice by rapport/urls.py.

``urlpatterns`` sit under ``/interop/`` (staff pages, signed in, namespace
"interop"); ``fhir_urlpatterns`` sit under ``/fhir/`` (the API, authenticated by
API key, namespace "fhir"). Each feature adds one include line to the list it
belongs to.
"""

from django.urls import include, path

app_name = "interop"

# Staff pages under /interop/.
urlpatterns = [
    path("", include("rapport.interop.routes_keys")),
    path("", include("rapport.interop.routes_imports")),
    path("", include("rapport.interop.routes_record")),
]

# The FHIR API under /fhir/.
fhir_urlpatterns = [
    path("", include("rapport.interop.routes_fhir")),
    path("", include("rapport.interop.routes_bulk")),
]
