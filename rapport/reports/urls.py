from django.urls import path

from rapport.reports import views

app_name = "reports"

urlpatterns = [
    path("supervision/", views.supervision, name="supervision"),
    path("episodes/<uuid:public_id>/summary.pdf", views.episode_summary, name="episode_summary"),
]
