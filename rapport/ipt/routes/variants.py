"""The episode's manual (variant) and its participants (issue 15 items 1, 2 and 7)."""

from django.urls import path

from rapport.ipt.views import family, participants, variants

urlpatterns = [
    path("<uuid:public_id>/manual/", variants.variant, name="variant"),
    path("<uuid:public_id>/manual/change/", variants.variant_change, name="variant_change"),
    path("<uuid:public_id>/participants/", participants.participants, name="participants"),
    path(
        "<uuid:public_id>/participants/add/",
        participants.participant_add,
        name="participant_add",
    ),
    path(
        "<uuid:public_id>/participants/<uuid:participant_id>/remove/",
        participants.participant_remove,
        name="participant_remove",
    ),
    path(
        "<uuid:public_id>/participants/<uuid:participant_id>/portal/",
        participants.participant_portal,
        name="participant_portal",
    ),
    path("<uuid:public_id>/consents/add/", participants.consent_add, name="consent_add"),
    path(
        "<uuid:public_id>/consents/<uuid:consent_id>/withdraw/",
        participants.consent_withdraw,
        name="consent_withdraw",
    ),
    path(
        "<uuid:public_id>/confidentiality/",
        participants.confidentiality_record,
        name="confidentiality_record",
    ),
    path(
        "<uuid:public_id>/parent-contacts/",
        family.caregiver_contacts,
        name="caregiver_contacts",
    ),
    path(
        "notes/<uuid:public_id>/participants/",
        participants.note_attendance,
        name="note_attendance",
    ),
]
