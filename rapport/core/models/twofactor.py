"""Hashed one-time recovery codes, as a django-otp device.

django-otp's static tokens are stored in clear; ours keep only a keyed hash,
so a database leak does not hand out second factors.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.models import Device

RECOVERY_CODE_COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes (0/o, 1/l/i)
_SALT = "rapport.core.recovery-code"


def _digest(code: str) -> str:
    normalised = code.replace("-", "").replace(" ", "").lower()
    return salted_hmac(_SALT, normalised, algorithm="sha256").hexdigest()


class RecoveryCodeDevice(Device):
    """A user's set of one-time recovery codes (one device per user)."""

    def generate_codes(self) -> list[str]:
        """Replace all codes; the plain codes are returned once and never stored."""
        self.codes.all().delete()
        codes = [
            "-".join("".join(secrets.choice(_ALPHABET) for _ in range(5)) for _ in range(2))
            for _ in range(RECOVERY_CODE_COUNT)
        ]
        RecoveryCode.objects.bulk_create(
            RecoveryCode(device=self, digest=_digest(code)) for code in codes
        )
        return codes

    def verify_token(self, token: str) -> bool:
        used = self.codes.filter(digest=_digest(str(token)), used_at__isnull=True).update(
            used_at=timezone.now()
        )
        return used == 1

    @property
    def remaining(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64, db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return "recovery code"
