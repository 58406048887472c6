from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "rapport.scheduling"
    label = "scheduling"
    verbose_name = _("Scheduling")

    def ready(self) -> None:
        from rapport.scheduling import clinic_settings, hooks  # noqa: F401  (jobs, panels, settings)
