"""The termination phase: checklist, maintenance plan, closing the episode (§1.7, §4.4)."""

from django.urls import path

from rapport.ipt.views import termination

urlpatterns = [
    path("<uuid:public_id>/termination/", termination.termination, name="termination"),
    path(
        "<uuid:public_id>/termination/tasks/<slug:code>/",
        termination.termination_task_save,
        name="termination_task",
    ),
    path(
        "<uuid:public_id>/termination/plan/",
        termination.maintenance_plan,
        name="maintenance_plan",
    ),
    path("<uuid:public_id>/close/", termination.episode_close, name="episode_close"),
    path(
        "<uuid:public_id>/maintenance/start/",
        termination.maintenance_start,
        name="maintenance_start",
    ),
]
