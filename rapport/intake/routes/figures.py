from django.urls import path

from rapport.intake.views import figures

urlpatterns = [
    path("", figures.site_figures, name="site_figures"),
    # The consultation form's beacon on its first keystroke (script on).
    path("form-started/", figures.form_started, name="form_started"),
]
