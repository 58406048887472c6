from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "rapport.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # Register the letters and billing settings, the documents panel and the outcomes link.
        from rapport.reports import (  # noqa: F401
            clinic_settings,
            clinic_settings_billing,
            panels,
            panels_outcomes,
        )
