from django.urls import path

from rapport.portal import views_paperwork as views

urlpatterns = [
    path("forms/", views.paperwork_list, name="paperwork"),
    path("forms/<uuid:public_id>/", views.paperwork_sign, name="paperwork_sign"),
    path("forms/signed/<uuid:public_id>.pdf", views.paperwork_pdf, name="paperwork_pdf"),
]
