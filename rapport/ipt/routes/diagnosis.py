"""The episode's working diagnosis (ICD-10-CM)."""

from django.urls import path

from rapport.ipt.views import diagnosis

urlpatterns = [
    path("<uuid:public_id>/diagnosis/", diagnosis.diagnosis, name="diagnosis"),
    path("<uuid:public_id>/diagnosis/record/", diagnosis.diagnosis_record, name="diagnosis_record"),
    path(
        "<uuid:public_id>/diagnosis/<uuid:diagnosis_id>/remove/",
        diagnosis.diagnosis_remove,
        name="diagnosis_remove",
    ),
]
