from django.urls import path

from rapport.reports import views_billing

urlpatterns = [
    path("clients/<uuid:public_id>/superbill/", views_billing.superbill_page, name="superbill"),
    path(
        "clients/<uuid:public_id>/superbill/address/",
        views_billing.client_address,
        name="superbill_address",
    ),
    path(
        "appointments/<uuid:appointment_id>/superbill.pdf",
        views_billing.superbill_appointment,
        name="superbill_appointment",
    ),
    path("billing-details/", views_billing.billing_own, name="billing_own"),
    path("billing-details/<uuid:public_id>/", views_billing.billing_member, name="billing_member"),
]
