from django.urls import path

from rapport.reports import routes_billing, routes_letters, views, views_outcomes

app_name = "reports"

urlpatterns = [
    *routes_letters.urlpatterns,
    *routes_billing.urlpatterns,
    path("supervision/", views.supervision, name="supervision"),
    path("outcomes/", views_outcomes.dashboard, name="outcomes"),
    path("outcomes.csv", views_outcomes.export, name="outcomes_csv"),
    path("episodes/<uuid:public_id>/summary.pdf", views.episode_summary, name="episode_summary"),
]
