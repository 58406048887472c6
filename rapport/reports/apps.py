from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "rapport.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from rapport.reports import panels  # noqa: F401  (registers the documents panel)
        from rapport.reports import panels_outcomes  # noqa: F401  (the outcomes link)
