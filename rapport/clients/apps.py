from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "rapport.clients"
    label = "clients"
    verbose_name = _("Clients")

    def ready(self) -> None:
        # Register their hooks (and break-glass's audit receiver).
        from rapport.clients import break_glass, demo, panels, paperwork_views  # noqa: F401
