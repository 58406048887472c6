"""Safety alerts (safety.md §5.1): the list, one alert, its acknowledgement."""

from django.urls import path

from rapport.measures.views import alerts

urlpatterns = [
    path("alerts/", alerts.alert_list, name="alerts"),
    path("alerts/<uuid:public_id>/", alerts.alert_detail, name="alert"),
    path(
        "alerts/<uuid:public_id>/acknowledge/", alerts.alert_acknowledge, name="alert_acknowledge"
    ),
]
