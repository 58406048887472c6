from django.urls import path

from rapport.clients import views

app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
    path("<uuid:public_id>/", views.client_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.client_edit, name="edit"),
    path("<uuid:public_id>/clinical/", views.client_clinical, name="clinical"),
    path("<uuid:public_id>/clinical/edit/", views.client_clinical_edit, name="clinical_edit"),
]
