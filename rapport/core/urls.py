from django.contrib.auth.views import LogoutView
from django.urls import path

from rapport.core.views import audit_log, auth, clinic, dashboard, health

app_name = "core"
urlpatterns = [
    path("", dashboard.home, name="home"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("login/", auth.PasswordLoginView.as_view(), name="login"),
    path("login/verify/", auth.two_factor_verify, name="two_factor_verify"),
    path("login/setup/", auth.two_factor_setup, name="two_factor_setup"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("account/recovery-codes/", auth.recovery_codes, name="recovery_codes"),
    path("session/ping/", auth.session_ping, name="session_ping"),
    path("audit/", audit_log.audit_log, name="audit_log"),
    path("clinic/settings/", clinic.clinic_settings, name="clinic_settings"),
    path("healthz", health.healthz, name="healthz"),
]
