"""Each feature of the measures app keeps its own routes module."""

from django.urls import include, path

app_name = "measures"
urlpatterns = [
    path("", include("rapport.measures.routes.administration")),
    path("", include("rapport.measures.routes.alerts")),
    path("", include("rapport.measures.routes.charts")),
    path("", include("rapport.measures.routes.observations")),
    path("", include("rapport.measures.routes.safety_plans")),
    path("", include("rapport.measures.routes.self_checks")),
]
