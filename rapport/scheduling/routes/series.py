"""Series, single appointments, a client's appointments, and the reminder reply link
(public, signed)."""

from django.urls import path

from rapport.core.language import prefer
from rapport.scheduling import reminders
from rapport.scheduling.views import appointments, client_appointments, series

urlpatterns = [
    path("series/<uuid:public_id>/", series.series_detail, name="series"),
    path("series/<uuid:public_id>/place/<int:index>/", series.series_place, name="series_place"),
    path(
        "clients/<uuid:public_id>/appointments/",
        client_appointments.client_appointments,
        name="client_appointments",
    ),
    path("appointments/<uuid:public_id>/", appointments.appointment, name="appointment"),
    path(
        "appointments/<uuid:public_id>/cancel/",
        appointments.appointment_cancel,
        name="appointment_cancel",
    ),
    path(
        "appointments/<uuid:public_id>/reschedule/",
        appointments.appointment_reschedule,
        name="appointment_reschedule",
    ),
    path(
        "appointments/<uuid:public_id>/attendance/",
        appointments.appointment_attendance,
        name="appointment_attendance",
    ),
    path(
        "appointments/<uuid:public_id>/video/",
        appointments.appointment_video,
        name="appointment_video",
    ),
    # In the client's stored language unless the reader chose one (core/language.py).
    path(
        "reply/<str:token>/",
        prefer(reminders.reply_language)(appointments.reminder_reply),
        name="reminder_reply",
    ),
]
