from django.urls import path

from rapport.portal import views_paperwork as views

urlpatterns = [
    path("forms/", views.paperwork_list, name="paperwork"),
    # The document's version is a query parameter (?document=<id>): the clinic's documents
    # are the same for every client, so the address names none of the client's things.
    path("forms/sign/", views.paperwork_sign, name="paperwork_sign"),
    path("forms/signed/<uuid:public_id>.pdf", views.paperwork_pdf, name="paperwork_pdf"),
]
