"""Responses: read and correct (schedule and invitations live on the episode's page in ipt)."""

from django.urls import path

from rapport.measures.views import administration

urlpatterns = [
    path("responses/<uuid:public_id>/", administration.response_detail, name="response"),
    path(
        "responses/<uuid:public_id>/correct/",
        administration.response_correct,
        name="response_correct",
    ),
]
