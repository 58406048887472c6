from django.apps import AppConfig


class RhythmsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rapport.rhythms"
    verbose_name = "Social rhythms (IPSRT)"

    def ready(self) -> None:
        # The demo loader, the portal's "due" source and the early-warning alerts' words
        # and link register themselves on import.
        from rapport.rhythms import demo, views_portal, warnings  # noqa: F401
