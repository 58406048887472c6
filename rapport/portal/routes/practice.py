"""Between-session practice (issue 11 item 5)."""

from django.urls import path

from rapport.portal import views_practice as views

urlpatterns = [
    path("practice/", views.practice_home, name="practice"),
    path("practice/<uuid:public_id>/new/", views.practice_write, name="practice_write"),
    path("practice/entries/<uuid:public_id>/", views.practice_entry, name="practice_entry"),
]
