from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "rapport.portal"
    label = "portal"
    verbose_name = _("Client portal")

    def ready(self) -> None:
        # Hooks the staff side reads before any portal URL is resolved: the settings
        # page group, the client record's messages panel and portal access, the unread badge.
        from rapport.portal import demo, settings_messages, views_messages, views_staff  # noqa: F401
