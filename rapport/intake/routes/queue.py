from django.urls import path

from rapport.intake.views import queue

urlpatterns = [
    path("requests/", queue.queue, name="queue"),
    path("requests/<uuid:public_id>/", queue.request_detail, name="request"),
    path("requests/<uuid:public_id>/notes/", queue.request_notes, name="request_notes"),
    path("requests/<uuid:public_id>/attempts/", queue.attempt_add, name="attempt_add"),
    path("requests/<uuid:public_id>/status/", queue.status_change, name="status_change"),
    path("requests/<uuid:public_id>/convert/", queue.convert, name="convert"),
    path("requests/<uuid:public_id>/book/", queue.book, name="book"),
    path("requests/<uuid:public_id>/confirm-slot/", queue.confirm_slot, name="confirm_slot"),
    path("requests/<uuid:public_id>/waitlist/", queue.waitlist_add, name="waitlist_add"),
    path(
        "requests/<uuid:public_id>/waitlist/remove/",
        queue.waitlist_remove,
        name="waitlist_remove",
    ),
    path("waitlist/", queue.waitlist_view, name="waitlist"),
]
