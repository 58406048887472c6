from django.urls import path

from rapport.scheduling.views import calendar as views

urlpatterns = [
    path("calendar/", views.calendar_week, name="calendar_week"),
    path("calendar/day/", views.calendar_day, name="calendar_day"),
    path("calendar/clinic/", views.calendar_clinic, name="calendar_clinic"),
]
