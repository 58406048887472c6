"""The public site (at the root) and the intake coordinators' queue."""

from django.urls import include, path

app_name = "intake"
urlpatterns = [
    path("", include("rapport.intake.routes.public")),
    path("intake/", include("rapport.intake.routes.queue")),
    path("site/figures/", include("rapport.intake.routes.figures")),
]
