"""The client's plan on the staff side: the summary for the client and guardian sharing."""

from django.urls import path

from rapport.ipt.views import client_plan

urlpatterns = [
    path("<uuid:public_id>/client_summary/", client_plan.summary_save, name="client_summary_save"),
    path(
        "<uuid:public_id>/client_summary/approve/",
        client_plan.summary_approve,
        name="client_summary_approve",
    ),
    path(
        "<uuid:public_id>/guardian_sharing/",
        client_plan.guardian_sharing_save,
        name="guardian_sharing_save",
    ),
]
