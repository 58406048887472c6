from django.urls import include, path

from rapport.core import language
from rapport.interop.urls import fhir_urlpatterns

urlpatterns = [
    path("", include("rapport.core.urls")),
    path("clients/", include("rapport.clients.urls")),
    path("measures/", include("rapport.measures.urls")),
    # Public questionnaire links (signed, single-use): no sign-in.
    path("q/", include(("rapport.measures.routes.public", "questionnaires"))),
    path("episodes/", include("rapport.ipt.urls")),
    path("episodes/", include("rapport.rhythms.urls")),
    path("groups/", include("rapport.groups.urls")),
    path("schedule/", include("rapport.scheduling.urls")),
    # IPSRT's social rhythm diary: the client's in the portal, the episode's for staff.
    path("portal/rhythms/", include("rapport.rhythms.portal_urls")),
    path("portal/", include("rapport.portal.urls")),
    path("reports/", include("rapport.reports.urls")),
    # The FHIR R4 API (API keys, no session) and its staff pages.
    path("fhir/", include((fhir_urlpatterns, "fhir"))),
    path("interop/", include("rapport.interop.urls")),
    # The language switch on client-facing pages (Django's set_language; POST only changes).
    path("i18n/", include("django.conf.urls.i18n")),
    path("i18n/choose/", language.choose_language, name="choose_language"),
    # Last: the public site owns the root.
    path("", include("rapport.intake.urls")),
]
