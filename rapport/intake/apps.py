from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "rapport.intake"
    label = "intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        from rapport.intake import hooks  # noqa: F401  (registers panels and demo)
