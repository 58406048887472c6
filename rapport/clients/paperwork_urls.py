"""Intake paperwork's staff pages (in the clients namespace)."""

from django.urls import path

from rapport.clients import paperwork_views

urlpatterns = [
    path("paperwork/<slug:kind>/", paperwork_views.document_edit, name="paperwork_edit"),
    path(
        "paperwork/signed/<uuid:public_id>.pdf",
        paperwork_views.signature_pdf,
        name="paperwork_pdf",
    ),
]
