from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "rapport.intake"
    label = "intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        # Register panels and demo, and the site figures' count of stored requests.
        from rapport.intake import hooks, site_figures  # noqa: F401
