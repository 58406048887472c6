from django.urls import path

from rapport.intake.views import public

urlpatterns = [
    path("", public.home, name="home"),
]
