"""Staff pages of a client's full record under /interop/ (docs/fhir.md)."""

from django.urls import path

from rapport.interop import views_record

urlpatterns = [
    path("clients/<uuid:public_id>/record/", views_record.record_download, name="record_download"),
    path("records/<uuid:public_id>/", views_record.request_review, name="record_request"),
    path("records/<uuid:public_id>/release/", views_record.request_release, name="record_release"),
    path("records/<uuid:public_id>/decline/", views_record.request_decline, name="record_decline"),
]
