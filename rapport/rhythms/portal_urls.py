"""The client's social rhythm diary in the portal (under portal/rhythms/)."""

from django.urls import path

from rapport.rhythms import views_portal as views

app_name = "portal_rhythms"
urlpatterns = [
    path("", views.home, name="home"),
    path("week/<str:start>/", views.week, name="week"),
    path("mood/", views.mood, name="mood"),
    path("events/", views.event, name="event"),
]
