"""Outcome charts: a measure's full history (the clinical page shows the current episode)."""

from django.urls import path

from rapport.measures.views import charts

urlpatterns = [
    path(
        "clients/<uuid:public_id>/scores/<str:code>/",
        charts.score_history,
        name="score_history",
    ),
]
