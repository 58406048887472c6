from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IptConfig(AppConfig):
    name = "rapport.ipt"
    label = "ipt"
    verbose_name = _("IPT episodes")

    def ready(self) -> None:
        from rapport.ipt import (  # noqa: F401  (their hooks)
            chart_phases,
            demo,
            demo_family,
            demo_measures,
            panels,
            today,
        )
        from rapport.ipt import demo_variants as _demo_variants  # noqa: F401  (demo loader)
        from rapport.ipt import hub as _hub  # noqa: F401  (the client record's header)
