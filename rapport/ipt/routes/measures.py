"""The episode's outcome measures (issue 4 item 2): schedule, links, in-session entry."""

from django.urls import path

from rapport.ipt.views import measures

urlpatterns = [
    path("<uuid:public_id>/measures/", measures.measures_page, name="measures"),
    path(
        "<uuid:public_id>/measures/history/<str:code>/",
        measures.measures_history,
        name="measures_history",
    ),
    path("<uuid:public_id>/measures/schedule/", measures.schedule_set, name="measures_schedule"),
    path(
        "<uuid:public_id>/measures/schedule/defaults/",
        measures.schedule_defaults,
        name="measures_schedule_defaults",
    ),
    path(
        "<uuid:public_id>/measures/schedule/<str:code>/remove/",
        measures.schedule_remove,
        name="measures_schedule_remove",
    ),
    path("<uuid:public_id>/measures/invite/", measures.invite, name="measures_invite"),
    path("<uuid:public_id>/measures/enter/<str:code>/", measures.enter, name="measures_enter"),
    path(
        "<uuid:public_id>/measures/complete/<uuid:response_id>/",
        measures.complete,
        name="measures_complete",
    ),
]
