"""The FHIR R4 read API: metadata, read and search of the types in the registry."""

from django.urls import path, re_path

from rapport.interop import views_fhir
from rapport.interop.resources import REGISTRY

# Only the registry's types match, so other paths under /fhir/ ($export, Group/…)
# stay free for the routes included after these.
TYPES = "|".join(REGISTRY)

urlpatterns = [
    path("metadata", views_fhir.metadata, name="metadata"),
    re_path(rf"^(?P<resource_type>{TYPES})$", views_fhir.search, name="search"),
    re_path(
        rf"^(?P<resource_type>{TYPES})/(?P<resource_id>[A-Za-z0-9\-.]{{1,64}})$",
        views_fhir.read,
        name="read",
    ),
]
