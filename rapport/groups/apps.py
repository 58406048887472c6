from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "rapport.groups"
    label = "groups"
    verbose_name = _("Group IPT")

    def ready(self) -> None:
        from rapport.groups import demo  # noqa: F401  (its demo loader)
