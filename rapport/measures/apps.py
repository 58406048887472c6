from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "rapport.measures"
    label = "measures"
    verbose_name = _("Outcome measures")

    def ready(self) -> None:
        from rapport.measures import hooks  # noqa: F401  (registers jobs, panels, demo)
