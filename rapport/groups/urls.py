"""Group IPT (variants.md §3): groups, their members, series and group session notes."""

from django.urls import path

from rapport.groups import views

app_name = "groups"
urlpatterns = [
    path("", views.group_list, name="list"),
    path("new/", views.group_create, name="create"),
    path("<uuid:public_id>/", views.group_detail, name="detail"),
    path("<uuid:public_id>/members/", views.member_add, name="member_add"),
    path("<uuid:public_id>/book/", views.book, name="book"),
    path("<uuid:public_id>/sessions/new/", views.session_start, name="session_start"),
    path("members/<uuid:public_id>/meeting/", views.meeting, name="meeting"),
    path("members/<uuid:public_id>/leave/", views.member_leave, name="member_leave"),
    path("sessions/<uuid:public_id>/", views.session_note, name="session"),
    path("sessions/<uuid:public_id>/autosave/", views.session_autosave, name="session_autosave"),
    path("sessions/<uuid:public_id>/sign/", views.session_sign, name="session_sign"),
    path("sessions/<uuid:public_id>/addendum/", views.session_addendum, name="session_addendum"),
]
