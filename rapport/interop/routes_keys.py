"""Staff pages: a clinic admin's API keys."""

from django.urls import path

from rapport.interop import views_keys

urlpatterns = [
    path("keys/", views_keys.key_list, name="keys"),
]
