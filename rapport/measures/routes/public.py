"""Public questionnaire links, mounted at /q/ (namespace "questionnaires"): no sign-in."""

from django.urls import path

from rapport.core.language import prefer
from rapport.measures.language import link_language
from rapport.measures.views import public

urlpatterns = [
    # In the client's stored language unless the reader chose one (core/language.py).
    path("<str:token>/", prefer(link_language)(public.questionnaire_form), name="form"),
]
