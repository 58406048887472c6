"""After-the-course self-checks (taken in the portal): marked seen, booster requests handled."""

from django.urls import path

from rapport.measures.views import self_checks

urlpatterns = [
    path("self-checks/<uuid:public_id>/seen/", self_checks.self_check_seen, name="self_check_seen"),
    path(
        "self-checks/<uuid:public_id>/booster-handled/",
        self_checks.booster_handled,
        name="booster_handled",
    ),
]
