from django.urls import include, path

urlpatterns = [
    path("", include("rapport.core.urls")),
    path("clients/", include("rapport.clients.urls")),
    path("episodes/", include("rapport.ipt.urls")),
]
