"""API keys: how an outside system reads a clinic's data through the FHIR API.

A key is shown once, when it is made; only its SHA-256 is kept. Keys carry 256
bits of randomness, so a fast hash is enough (nothing to brute-force), and the
short prefix stored beside the hash finds the row without scanning.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.core.models import Clinic, User

KEY_PREFIX = "rpk_"  # marks a Rapport API key in logs and secret scanners
LOOKUP_CHARS = 8  # characters after the marker stored in clear to find the row


class KeyScope(models.TextChoices):
    CLINIC = "clinic", _("Read everything in the clinic")
    CASELOAD = "caseload", _("Read one practitioner's caseload")


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def usable(self) -> ApiKeyQuerySet:
        """Neither revoked nor expired."""
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiKey(models.Model):
    """A clinic's read key for the FHIR API, with a scope, an expiry and revocation."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    # Not unique: a key is found before its clinic is known, and a constraint across
    # clinics would not hold on a sharded database (tests/test_clinic_key.py). Two keys
    # sharing 32 random bits is unlikely and harmless: each candidate's hash is compared.
    lookup = models.CharField(max_length=LOOKUP_CHARS, db_index=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    scope = models.CharField(
        _("scope"), max_length=20, choices=KeyScope.choices, default=KeyScope.CLINIC
    )
    # For a caseload key: whose clients the key reads.
    practitioner = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope="clinic", practitioner__isnull=True)
                | models.Q(scope="caseload", practitioner__isnull=False),
                name="api_key_caseload_names_practitioner",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_prefix(self) -> str:
        """What staff see to tell keys apart (never enough to use the key)."""
        return f"{KEY_PREFIX}{self.lookup}…"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return not self.is_revoked and not self.is_expired

    @classmethod
    def issue(cls, **fields: object) -> tuple[ApiKey, str]:
        """Make a key; returns the row and the raw key, which is never stored."""
        lookup = secrets.token_hex(LOOKUP_CHARS // 2)
        raw = f"{KEY_PREFIX}{lookup}_{secrets.token_urlsafe(32)}"
        key = cls.objects.create(lookup=lookup, key_hash=hash_key(raw), **fields)
        return key, raw

    @classmethod
    def find(cls, raw: str) -> ApiKey | None:
        """The key ``raw`` names, usable or not (None when no key matches)."""
        if not raw.startswith(KEY_PREFIX):
            return None
        lookup = raw[len(KEY_PREFIX) : len(KEY_PREFIX) + LOOKUP_CHARS]
        digest = hash_key(raw)
        candidates = cls.objects.select_related("clinic", "practitioner").filter(lookup=lookup)
        return next(
            (key for key in candidates if secrets.compare_digest(key.key_hash, digest)), None
        )


# Bulk export jobs and record requests live in their own modules (registered here).
from rapport.interop.bulk_models import ExportJob  # noqa: E402
from rapport.interop.record_models import RecordRequest  # noqa: E402

__all__ = ["ApiKey", "ExportJob", "RecordRequest"]
