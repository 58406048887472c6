from django.urls import path

from rapport.portal import views_appointments as views

urlpatterns = [
    path("appointments/", views.appointments, name="appointments"),
    path(
        "appointments/<uuid:public_id>/calendar.ics", views.appointment_ics, name="appointment_ics"
    ),
    path(
        "appointments/<uuid:public_id>/confirm/",
        views.appointment_confirm,
        name="appointment_confirm",
    ),
    path(
        "appointments/<uuid:public_id>/cancel/", views.appointment_cancel, name="appointment_cancel"
    ),
    path(
        "appointments/<uuid:public_id>/reschedule/",
        views.appointment_reschedule,
        name="appointment_reschedule",
    ),
]
