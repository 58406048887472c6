from django.urls import path

from rapport.intake.views import pages, public

urlpatterns = [
    path("", public.home, name="home"),
    path("about/<slug:slug>/", public.page, name="page"),
    path("consultation/", public.consultation, name="consultation"),
    # The clinic admin's editor for the pages above.
    path("site/pages/", pages.page_list, name="page_list"),
    path("site/pages/<slug:slug>/", pages.page_edit, name="page_edit"),
]
