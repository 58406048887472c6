from django.urls import path

from rapport.scheduling.views import availability as views

urlpatterns = [
    path("availability/", views.availability_index, name="availability_index"),
    path("availability/<uuid:public_id>/", views.availability, name="availability"),
    path("availability/<uuid:public_id>/hours/", views.hours_add, name="hours_add"),
    path("availability/<uuid:public_id>/hours/remove/", views.hours_delete, name="hours_delete"),
    path("availability/<uuid:public_id>/time-off/", views.time_off_add, name="time_off_add"),
    path(
        "availability/<uuid:public_id>/time-off/remove/",
        views.time_off_delete,
        name="time_off_delete",
    ),
]
