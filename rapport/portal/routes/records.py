from django.urls import path

from rapport.portal import views_records as views

urlpatterns = [
    path("record/", views.records, name="records"),
    path("record/<uuid:public_id>/health-record.zip", views.record_file, name="record_file"),
]
