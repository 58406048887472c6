from django.urls import include, path

from rapport.clients import break_glass_views, views

app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
    path("<uuid:public_id>/", views.client_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.client_edit, name="edit"),
    path("<uuid:public_id>/clinical/", views.client_clinical, name="clinical"),
    path("<uuid:public_id>/clinical/edit/", views.client_clinical_edit, name="clinical_edit"),
    path("", include("rapport.clients.paperwork_urls")),
    path("break-glass/", break_glass_views.break_glass_request, name="break_glass"),
    path("break-glass/review/", break_glass_views.break_glass_list, name="break_glass_list"),
    path(
        "break-glass/review/<uuid:public_id>/",
        break_glass_views.break_glass_review,
        name="break_glass_review",
    ),
    path(
        "break-glass/review/<uuid:public_id>/end/",
        break_glass_views.break_glass_end,
        name="break_glass_end",
    ),
]
