"""The FHIR R4 read API: metadata, read and search."""

from django.urls import path

from rapport.interop import views_fhir

urlpatterns = [
    path("metadata", views_fhir.metadata, name="metadata"),
]
