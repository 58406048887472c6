"""Public questionnaire links, mounted at /q/ (namespace "questionnaires"): no sign-in."""

from django.urls import path

from rapport.measures.views import public

urlpatterns = [
    path("<str:token>/", public.questionnaire_form, name="form"),
]
