"""Each feature of the episode workspace keeps its own routes module."""

from django.urls import include, path

app_name = "ipt"
urlpatterns = [
    path("", include("rapport.ipt.routes.episodes")),
    path("", include("rapport.ipt.routes.initial")),
    path("", include("rapport.ipt.routes.inventory")),
    path("", include("rapport.ipt.routes.notes")),
    path("", include("rapport.ipt.routes.termination")),
    path("", include("rapport.ipt.routes.measures")),
    path("", include("rapport.ipt.routes.booking")),
    path("", include("rapport.ipt.routes.plan")),
    path("", include("rapport.ipt.routes.diagnosis")),
    path("", include("rapport.ipt.routes.variants")),
]
