"""Staff pages about a client's portal access (from the client record's Details tab)."""

from django.urls import path

from rapport.portal import views_staff

urlpatterns: list = [
    path("staff/clients/<uuid:public_id>/invite/", views_staff.invite, name="staff_invite"),
    path(
        "staff/clients/<uuid:public_id>/guardians/new/",
        views_staff.add_guardian,
        name="staff_guardian_add",
    ),
    path("staff/accounts/<uuid:public_id>/resend/", views_staff.resend, name="staff_resend"),
    path("staff/accounts/<uuid:public_id>/consent/", views_staff.consent, name="staff_consent"),
    path("staff/accounts/<uuid:public_id>/revoke/", views_staff.revoke, name="staff_revoke"),
]
