"""Staff pages: a clinic admin's API keys."""

from django.urls import path

from rapport.interop import views_keys

urlpatterns = [
    path("keys/", views_keys.key_list, name="keys"),
    path("keys/<uuid:public_id>/revoke", views_keys.key_revoke, name="key_revoke"),
]
