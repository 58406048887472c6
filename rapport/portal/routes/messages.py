"""Secure messages (issue 11 item 8): the client's thread, and the therapist's side."""

from django.urls import path

from rapport.portal import views_messages as views

urlpatterns = [
    path("messages/", views.thread, name="messages"),
    path("messages/<uuid:public_id>/sent/", views.message_sent, name="message_sent"),
    path(
        "care-team/clients/<uuid:public_id>/messages/",
        views.care_thread,
        name="care_messages",
    ),
]
