"""FHIR Bulk Data export under /fhir/ (docs/fhir.md, "Bulk export")."""

from django.urls import path

from rapport.interop import views_bulk

urlpatterns = [
    path("$export", views_bulk.export_system, name="export"),
    # A Group is a therapist's caseload; its id is the therapist's Practitioner id.
    path("Group/<uuid:group_id>/$export", views_bulk.export_group, name="export_group"),
    # Job ids are random UUIDs: an address says nothing about whose data it holds.
    path("bulk/<uuid:job_id>", views_bulk.export_status, name="export_status"),
    path("bulk/<uuid:job_id>/<str:name>", views_bulk.export_file, name="export_file"),
]
