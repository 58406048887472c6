from django.urls import path

from rapport.portal import views_questionnaires as views

urlpatterns: list = [
    path("questionnaires/", views.questionnaires, name="questionnaires"),
    path("questionnaires/<uuid:public_id>/", views.questionnaire, name="questionnaire"),
    path(
        "questionnaires/<uuid:public_id>/done/",
        views.questionnaire_done,
        name="questionnaire_done",
    ),
    path("progress/", views.progress, name="progress"),
    path("after-the-course/", views.after_course, name="after_course"),
    path("after-the-course/check-in/", views.self_check, name="self_check"),
    path(
        "after-the-course/check-in/<uuid:public_id>/",
        views.self_check_result,
        name="self_check_result",
    ),
    path(
        "after-the-course/check-in/<uuid:public_id>/booster/",
        views.booster_request,
        name="booster_request",
    ),
]
