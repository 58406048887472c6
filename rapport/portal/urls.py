from django.urls import path

from rapport.portal import views, views_language
from rapport.portal.routes import (
    appointments,
    messages,
    paperwork,
    plan,
    practice,
    questionnaires,
    records,
    staff,
)

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in_page, name="sign_in"),
    path("sign-in/link/", views.link, name="link"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("signed-out/", views.signed_out, name="signed_out"),
    path("language/", views_language.change_language, name="language"),
    # Each area keeps its own routes (and views module) in this app.
    *plan.urlpatterns,
    *questionnaires.urlpatterns,
    *practice.urlpatterns,
    *appointments.urlpatterns,
    *messages.urlpatterns,
    *paperwork.urlpatterns,
    *records.urlpatterns,
    # Staff pages about a client's portal access (the client record links to them).
    *staff.urlpatterns,
]
