from django.urls import path

from rapport.reports import views_letters

urlpatterns = [
    path("episodes/<uuid:public_id>/letters/", views_letters.letters_page, name="letters"),
    path(
        "episodes/<uuid:public_id>/letters/consents/",
        views_letters.consent_record,
        name="consent_record",
    ),
    path(
        "episodes/<uuid:public_id>/letters/consents/<uuid:consent_id>/withdraw/",
        views_letters.consent_withdraw,
        name="consent_withdraw",
    ),
    path(
        "episodes/<uuid:public_id>/letters/write/", views_letters.letter_write, name="letter_write"
    ),
    path(
        "letters/<uuid:letter_id>/letter.pdf", views_letters.letter_download, name="letter_download"
    ),
    path("letters/<uuid:letter_id>/send/", views_letters.letter_send, name="letter_send"),
    # A recipient's link: signed and expiring; no sign-in.
    path("l/<str:token>/", views_letters.letter_link, name="letter_link"),
]
