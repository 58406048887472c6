from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScaleConfig(AppConfig):
    """Synthetic practice-scale data for benchmarks (``seed_scale``, ``make bench``)."""

    name = "rapport.scale"
    label = "scale"
    verbose_name = _("Scale benchmarks")
