from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "rapport.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # Register the letters settings, the documents panel and the outcomes link.
        from rapport.reports import clinic_settings, panels, panels_outcomes  # noqa: F401
