from django.apps import AppConfig


class RhythmsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rapport.rhythms"
    verbose_name = "Social rhythms (IPSRT)"

    def ready(self) -> None:
        # The demo loader and the portal's "due" source register themselves on import.
        from rapport.rhythms import demo, views_portal  # noqa: F401
