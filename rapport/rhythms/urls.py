"""The episode's social rhythms, staff side (under episodes/)."""

from django.urls import path

from rapport.rhythms import views_staff as views

app_name = "rhythms"
urlpatterns = [
    path("<uuid:public_id>/rhythms/", views.rhythms_page, name="page"),
    path("<uuid:public_id>/rhythms/targets/", views.targets_set, name="targets"),
    path("<uuid:public_id>/rhythms/week/<str:start>/", views.week, name="week"),
    path("<uuid:public_id>/rhythms/week/<str:start>/save/", views.week_save, name="week_save"),
    path("<uuid:public_id>/rhythms/mood/", views.mood_add, name="mood"),
    path("<uuid:public_id>/rhythms/events/", views.event_add, name="event"),
]
