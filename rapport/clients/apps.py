from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "rapport.clients"
    label = "clients"
    verbose_name = _("Clients")

    def ready(self) -> None:
        from rapport.clients import demo, panels  # noqa: F401  (register their hooks)
