"""Staff pages: importing historical scores (CSV, FHIR QuestionnaireResponse)."""

from django.urls import path

from rapport.interop import views_imports

urlpatterns = [
    path("imports/", views_imports.start, name="imports"),
    path("imports/template.csv", views_imports.template_csv, name="import_template"),
    path("imports/<str:kind>/preview/", views_imports.preview_import, name="import_preview"),
    path("imports/<str:kind>/import/", views_imports.commit_import, name="import_commit"),
    path("imports/done/<uuid:import_id>/", views_imports.done, name="import_done"),
]
