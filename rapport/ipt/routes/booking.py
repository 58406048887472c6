"""Booking the course of sessions from the contract."""

from django.urls import path

from rapport.ipt.views import booking

urlpatterns = [
    path("<uuid:public_id>/contract/book/", booking.book_series, name="book_series"),
]
