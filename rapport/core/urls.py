from django.contrib.auth.views import LogoutView
from django.urls import path

from rapport.core.views import audit_log, auth, clinic, dashboard, health, reenrol, staff

app_name = "core"
urlpatterns = [
    path("start/", dashboard.home, name="home"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("login/", auth.PasswordLoginView.as_view(), name="login"),
    path("login/verify/", auth.two_factor_verify, name="two_factor_verify"),
    path("login/setup/", auth.two_factor_setup, name="two_factor_setup"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("account/recovery-codes/", auth.recovery_codes, name="recovery_codes"),
    path("session/ping/", auth.session_ping, name="session_ping"),
    path("login/forgot/", auth.forgot_password, name="forgot_password"),
    path(
        "account/set-password/<uuid:public_id>/<str:token>/",
        auth.set_password,
        name="set_password",
    ),
    path(
        "account/second-factor/<str:token>/",
        reenrol.second_factor_reenrol,
        name="second_factor_reenrol",
    ),
    path("audit/", audit_log.audit_log, name="audit_log"),
    path("audit/export.csv", audit_log.audit_export, name="audit_export"),
    path("staff/", staff.staff_list, name="staff_list"),
    path("staff/invite/", staff.staff_invite, name="staff_invite"),
    path("staff/approvals/", staff.role_approvals, name="role_approvals"),
    path(
        "staff/approvals/<uuid:public_id>/",
        staff.role_approval_decide,
        name="role_approval_decide",
    ),
    path("staff/<uuid:public_id>/", staff.staff_edit, name="staff_edit"),
    path("staff/<uuid:public_id>/active/", staff.staff_toggle_active, name="staff_toggle_active"),
    path(
        "staff/<uuid:public_id>/reset-2fa/",
        staff.staff_reset_second_factor,
        name="staff_reset_second_factor",
    ),
    path(
        "staff/<uuid:public_id>/resend/",
        staff.staff_resend_invitation,
        name="staff_resend_invitation",
    ),
    path("clinic/settings/", clinic.clinic_settings, name="clinic_settings"),
    path("healthz", health.healthz, name="healthz"),
]
