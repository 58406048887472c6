"""Clients' requests to reschedule, as the coordinator handles them."""

from django.urls import path

from rapport.scheduling.views import requests

urlpatterns = [
    path(
        "reschedule-requests/<uuid:public_id>/handled/",
        requests.request_handled,
        name="reschedule_request_handled",
    ),
]
