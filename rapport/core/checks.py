"""Deployment invariants as system checks (STYLE.md §2)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from rapport.core.crypto import KeyRing


@register(Tags.database)
def check_utc_storage(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if settings.USE_TZ and settings.TIME_ZONE == "UTC":
        return []
    return [
        Error(
            "Times must be stored in UTC.",
            hint="Set USE_TZ = True and TIME_ZONE = 'UTC'; pages convert to local zones.",
            id="rapport.E001",
        )
    ]


@register(Tags.security)
def check_encryption_keys(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    try:
        KeyRing(settings.RAPPORT_ENCRYPTION_KEYS)
    except ImproperlyConfigured as error:
        return [Error(str(error), hint="See docs/operations.md.", id="rapport.E002")]
    return []


@register(Tags.security, deploy=True)
def check_production_transport(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    problems: list[Any] = []
    if not (settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE):
        problems.append(
            Error(
                "Cookies must be Secure in production.", hint="RAPPORT_HTTPS=1", id="rapport.E003"
            )
        )
    if settings.SECURE_HSTS_SECONDS < 31_536_000:
        problems.append(
            Error("HSTS must last at least a year.", hint="RAPPORT_HTTPS=1", id="rapport.E004")
        )
    if settings.RAPPORT_ENCRYPTION_KEYS.startswith("dev:"):
        problems.append(
            Error(
                "The development encryption key is in use.",
                hint="Set RAPPORT_ENCRYPTION_KEYS.",
                id="rapport.E005",
            )
        )
    if settings.RAPPORT_AUDIT_KEY.startswith("audit:"):
        problems.append(
            Warning(
                "The audit chain is keyed from SECRET_KEY.",
                hint="Set RAPPORT_AUDIT_KEY so rotating SECRET_KEY keeps the history verifiable.",
                id="rapport.W001",
            )
        )
    if not settings.RAPPORT_BASE_URL.startswith("https://"):
        problems.append(
            Error(
                "RAPPORT_BASE_URL must be the https:// address of this installation.",
                hint="Links in e-mails (questionnaires, invitations) are built from it.",
                id="rapport.E006",
            )
        )
    if "smtp" not in settings.EMAIL_BACKEND:
        problems.append(
            Warning("E-mail is not sent over SMTP.", hint="Set EMAIL_HOST.", id="rapport.W002")
        )
    if settings.DEFAULT_FROM_EMAIL.rstrip(">").endswith("@localhost"):
        problems.append(
            Warning(
                "E-mail would come from an address at localhost.",
                hint="Set DEFAULT_FROM_EMAIL to an address your mail server sends from; "
                "messages show the clinic's name with it.",
                id="rapport.W003",
            )
        )
    return problems
