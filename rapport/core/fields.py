from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.core.crypto import DecryptionError, is_token, keyring


class EncryptedTextField(models.TextField):
    """Clinical free text, encrypted at rest with the clinic's key ring.

    The field's own name (``app.model.field``) is bound into each ciphertext as
    associated data, so a value copied into another column fails to decrypt.
    Encrypted columns cannot be searched or compared in SQL: only ``isnull``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    @property
    def encryption_context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return keyring().encrypt(value, self.encryption_context)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value in (None, ""):
            return value
        return keyring().decrypt(value, self.encryption_context)

    def value_to_string(self, obj: models.Model) -> str:
        # Serialised dumps (dumpdata) carry the ciphertext, never the text.
        return self.get_prep_value(self.value_from_object(obj)) or ""

    def to_python(self, value: Any) -> Any:
        if is_token(value):
            try:
                return keyring().decrypt(value, self.encryption_context)
            except DecryptionError:
                # Never store a ciphertext as if it were the text (e.g. loaddata
                # without the key that wrote it): refuse it loudly instead.
                raise ValidationError(
                    _("This value is encrypted with a key this installation does not hold."),
                    code="undecryptable",
                ) from None
        return super().to_python(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


def encrypted_names(model: type[models.Model]) -> list[str]:
    """The model's encrypted columns."""
    return [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def without_encrypted(queryset: models.QuerySet, *related: str) -> models.QuerySet:
    """``select_related(*related)`` with every encrypted column of the model and of
    those relations deferred: a list decrypts nothing it does not ask for by name.

    Reading a deferred column later costs one query per row, which the pages'
    pinned query counts would catch.
    """
    deferred = encrypted_names(queryset.model)
    for path in related:
        target = queryset.model
        for part in path.split("__"):
            target = target._meta.get_field(part).related_model
        deferred += [f"{path}__{name}" for name in encrypted_names(target)]
    return queryset.select_related(*related).defer(*deferred)
