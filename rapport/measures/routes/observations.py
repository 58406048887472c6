"""Physical observations and medical-risk prompts (variants.md §5.4–§5.5)."""

from django.urls import path

from rapport.measures.views import observations

urlpatterns = [
    path(
        "clients/<uuid:public_id>/observations/",
        observations.observations,
        name="observations",
    ),
    path(
        "clients/<uuid:public_id>/observations/new/",
        observations.observation_new,
        name="observation_new",
    ),
]
