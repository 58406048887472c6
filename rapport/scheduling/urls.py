"""Each feature of scheduling keeps its own routes module."""

from django.urls import include, path

app_name = "scheduling"
urlpatterns = [
    path("", include("rapport.scheduling.routes.availability")),
    path("", include("rapport.scheduling.routes.booking")),
    path("", include("rapport.scheduling.routes.calendar")),
    path("", include("rapport.scheduling.routes.series")),
    path("", include("rapport.scheduling.routes.feeds")),
    path("", include("rapport.scheduling.routes.requests")),
]
