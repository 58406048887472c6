"""Authenticated encryption for clinical free text (AES-256-GCM).

Keys come from RAPPORT_ENCRYPTION_KEYS as "id:base64key,id:base64key"; the
first key encrypts, every listed key decrypts, so rotation is: put the new key
first, run ``manage.py rotate_encryption_keys``, then drop the old key.
A stored value reads ``enc1:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>``; the
key id in clear lets rotation find what still needs re-encrypting.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "enc1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A stored value could not be authenticated with any configured key."""


class KeyRing:
    def __init__(self, spec: str) -> None:
        self.keys: dict[str, AESGCM] = {}
        for entry in filter(None, (part.strip() for part in spec.split(","))):
            key_id, sep, encoded = entry.partition(":")
            if not sep or not key_id.isalnum():
                raise ImproperlyConfigured("Encryption keys must look like 'id:base64key'.")
            try:
                raw = base64.b64decode(encoded, validate=True)
            except binascii.Error:
                raise ImproperlyConfigured(f"Encryption key {key_id!r} is not base64.") from None
            if len(raw) != 32:
                raise ImproperlyConfigured(f"Encryption key {key_id!r} must be 32 bytes.")
            self.keys[key_id] = AESGCM(raw)
        if not self.keys:
            raise ImproperlyConfigured("RAPPORT_ENCRYPTION_KEYS holds no key.")
        self.active_id = next(iter(self.keys))

    @property
    def active_prefix(self) -> str:
        return f"{PREFIX}:{self.active_id}:"

    def encrypt(self, plaintext: str, context: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self.keys[self.active_id].encrypt(nonce, plaintext.encode(), context.encode())
        return f"{self.active_prefix}{base64.b64encode(nonce + sealed).decode()}"

    def decrypt(self, token: str, context: str) -> str:
        if (tally := _tally.get()) is not None:
            tally.count += 1
        prefix, key_id, encoded = [*token.split(":", 2), "", ""][:3]
        if prefix != PREFIX or key_id not in self.keys:
            raise DecryptionError("unknown format or key id")
        try:
            blob = base64.b64decode(encoded, validate=True)
            nonce, sealed = blob[:NONCE_BYTES], blob[NONCE_BYTES:]
            return self.keys[key_id].decrypt(nonce, sealed, context.encode()).decode()
        except (InvalidTag, binascii.Error, ValueError):
            raise DecryptionError("authentication failed") from None


@dataclass
class DecryptionTally:
    count: int = 0


_tally: ContextVar[DecryptionTally | None] = ContextVar("decryption_tally", default=None)


@contextmanager
def counting_decryptions() -> Iterator[DecryptionTally]:
    """Count the values decrypted inside the block (tests and ``make bench``).

    A page should decrypt what it shows and nothing more; the count is what
    query-count tests pin next to the number of queries.
    """
    tally = DecryptionTally()
    token = _tally.set(tally)
    try:
        yield tally
    finally:
        _tally.reset(token)


def is_token(value: object) -> bool:
    return isinstance(value, str) and value.startswith(f"{PREFIX}:")


@lru_cache(maxsize=4)
def _keyring(spec: str) -> KeyRing:
    return KeyRing(spec)


def keyring() -> KeyRing:
    return _keyring(settings.RAPPORT_ENCRYPTION_KEYS)


def generate_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()
