from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    """FHIR R4 read API, bulk export, imports and a client's full record (issue 13)."""

    name = "rapport.interop"
    label = "interop"
    verbose_name = _("Interoperability")

    def ready(self) -> None:
        # Register the bulk-export worker job, the full-record and earlier-scores panels,
        # and the API keys' dashboard link.
        from rapport.interop import bulk, imports_panel, panels_keys, record_panels  # noqa: F401
