"""Encrypted model fields whose ciphertext is bound to its column and its row.

Each value is sealed with associated data ``app.model.field#<row public_id>``: a
ciphertext copied into another column, or swapped with another row's in SQL,
fails to decrypt (``DecryptionError``) instead of showing someone else's text.

The row's ``public_id`` is set when the instance is built, so ``pre_save`` seals
before the INSERT (``save``, ``bulk_create``). A loaded value is opened as the row
is built (``post_init``), so a page decrypts what it loads, as before; a value
loaded without its row's identity (a deferred column) opens on first access.
Writes that bypass ``pre_save`` (``QuerySet.update``, ``bulk_update``) must seal
their values with ``sealed()``: plaintext without its row is refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, post_save, pre_save
from django.utils.translation import gettext_lazy as _

from rapport.core.crypto import DecryptionError, is_token, keyring

IDENTITY = "public_id"


class Sealed:
    """A stored ciphertext not opened yet: opening it needs its row's identity."""

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token

    def __repr__(self) -> str:
        return "<sealed value>"


class WriteToken(str):
    """A ciphertext already sealed for its row, written as it is."""


class UnboundPlaintext(TypeError):
    """An encrypted column was written without the row it belongs to."""


def row_identity(instance: models.Model) -> str:
    return str(getattr(instance, IDENTITY))


class _OpeningAttribute(DeferredAttribute):
    """Opens a sealed value on first access (deferred loads, ``refresh_from_db``).

    A data descriptor (it has ``__set__``), so reads come here even when the
    value is already in the instance's ``__dict__``.
    """

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        value = super().__get__(instance, cls)
        if instance is not None and isinstance(value, Sealed):
            value = self.field.open(instance, value)
            instance.__dict__[self.field.attname] = value
        return value


class EncryptedTextField(models.TextField):
    """Clinical free text, encrypted at rest with the clinic's key ring.

    The model must have a ``public_id`` (the row identity bound into the
    ciphertext). Encrypted columns cannot be searched or compared in SQL: only
    ``isnull``.
    """

    descriptor_class = _OpeningAttribute

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    # --- what is stored: text here, JSON in the subclass -----------------------------

    def is_empty(self, value: Any) -> bool:
        return value in (None, "")

    def encode(self, value: Any) -> str:
        return str(value)

    def decode(self, text: str) -> Any:
        return text

    # --- sealing ----------------------------------------------------------------------

    @property
    def encryption_context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def row_context(self, identity: str) -> str:
        return f"{self.encryption_context}#{identity}"

    def seal(self, instance: models.Model, value: Any) -> Any:
        """``value`` as its ciphertext for this row (empty values stay as they are)."""
        if isinstance(value, WriteToken) or self.is_empty(value):
            return value
        context = self.row_context(row_identity(instance))
        return WriteToken(keyring().encrypt(self.encode(value), context))

    def open(self, instance: models.Model, sealed: Sealed) -> Any:
        context = self.row_context(row_identity(instance))
        try:
            return self.decode(keyring().decrypt(sealed.token, context))
        except DecryptionError:
            raise DecryptionError(
                f"{context}: the stored value does not belong to this row, or its key is gone"
            ) from None

    def contribute_to_class(self, cls: type[models.Model], name: str, **kwargs: Any) -> None:
        super().contribute_to_class(cls, name, **kwargs)
        if not cls._meta.abstract:
            uid = f"rapport.encrypted.{cls._meta.label_lower}"
            post_init.connect(_open_loaded, sender=cls, weak=False, dispatch_uid=uid)
            pre_save.connect(_seal_raw, sender=cls, weak=False, dispatch_uid=uid)
            post_save.connect(_unseal_raw, sender=cls, weak=False, dispatch_uid=uid)

    # --- Django hooks ------------------------------------------------------------------

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        return self.seal(model_instance, getattr(model_instance, self.attname))

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, WriteToken):
            return str(value)
        if isinstance(value, Sealed):
            return value.token
        if self.is_empty(value):
            return value
        raise UnboundPlaintext(
            f"{self.encryption_context} is encrypted with its row: write it through save(), "
            "bulk_create(), or values from rapport.core.fields.sealed()."
        )

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if self.is_empty(value):
            return value
        return Sealed(value)

    def value_to_string(self, obj: models.Model) -> str:
        # Serialised dumps (dumpdata) carry the row-bound ciphertext, never the text.
        return self.seal(obj, self.value_from_object(obj)) or ""

    def to_python(self, value: Any) -> Any:
        # A ciphertext (loaddata) stays sealed until its row's identity opens it.
        if is_token(value):
            return Sealed(value)
        return super().to_python(value)

    def clean(self, value: Any, model_instance: models.Model | None) -> Any:
        value = self.to_python(value)
        if isinstance(value, Sealed):
            try:
                value = self.open(model_instance, value)
            except (DecryptionError, AttributeError):
                # Never store a ciphertext as if it were the text: refuse it loudly.
                raise ValidationError(
                    _("This value is encrypted with a key this installation does not hold."),
                    code="undecryptable",
                ) from None
        return super().clean(value, model_instance)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


class EncryptedCharField(EncryptedTextField):
    """A one-line encrypted value (the form keeps a text input and its length limit)."""

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        return models.Field.formfield(
            self, **{"form_class": forms.CharField, "max_length": self.max_length, **kwargs}
        )


class EncryptedJSONField(EncryptedTextField):
    """JSON (e.g. questionnaire answers), encrypted whole: SQL cannot read inside it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("blank", False)
        kwargs.setdefault("default", None)
        super().__init__(*args, **kwargs)

    def is_empty(self, value: Any) -> bool:
        return value is None

    def encode(self, value: Any) -> str:
        return json.dumps(value, sort_keys=True)

    def decode(self, text: str) -> Any:
        return json.loads(text)

    def to_python(self, value: Any) -> Any:
        if is_token(value):
            return Sealed(value)
        return value

    def validate(self, value: Any, model_instance: models.Model | None) -> None:
        if value is None and not self.null:
            raise ValidationError(self.error_messages["null"], code="null")


def _encrypted(model: type[models.Model]) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def _open_loaded(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """Open what the row was loaded with, when its identity came with it."""
    values = instance.__dict__
    if IDENTITY not in values:
        return  # deferred identity: each value opens on first access instead
    for field in _encrypted(sender):
        if isinstance(values.get(field.attname), Sealed):
            values[field.attname] = field.open(instance, values[field.attname])


def _seal_raw(sender: type[models.Model], instance: models.Model, raw: bool, **kw: Any) -> None:
    """loaddata saves without ``pre_save``: seal here (a foreign ciphertext fails to open)."""
    if not raw:
        return
    plain = {f.attname: getattr(instance, f.attname) for f in _encrypted(sender)}
    instance._plain_before_raw_save = plain  # type: ignore[attr-defined]
    for field in _encrypted(sender):
        instance.__dict__[field.attname] = field.seal(instance, plain[field.attname])


def _unseal_raw(sender: type[models.Model], instance: models.Model, raw: bool, **kw: Any) -> None:
    plain = instance.__dict__.pop("_plain_before_raw_save", None)
    if raw and plain:
        instance.__dict__.update(plain)


def sealed(instance: models.Model, **values: Any) -> dict[str, Any]:
    """``values`` for ``QuerySet.update`` on ``instance``'s row, encrypted ones sealed for it."""
    fields = {f.name: f for f in _encrypted(type(instance))}
    return {
        name: fields[name].seal(instance, value) if name in fields else value
        for name, value in values.items()
    }


def update_sealed(queryset: models.QuerySet, **values: Any) -> int:
    """``queryset.update(**values)`` with encrypted values sealed for each row: one
    UPDATE per row, as each row's ciphertext differs, each still under the queryset's
    conditions (a row that stopped matching meanwhile is not written)."""
    return sum(
        queryset.filter(pk=row.pk).update(**sealed(row, **values))
        for row in queryset.only("pk", IDENTITY)
    )


def bulk_update_sealed(
    queryset: models.QuerySet, objs: Iterable[models.Model], names: list[str], **kwargs: Any
) -> int:
    """``bulk_update`` for rows with encrypted columns (it skips ``pre_save``)."""
    objs = list(objs)
    fields = [f for f in _encrypted(queryset.model) if f.name in names]
    plain = [{f.attname: getattr(obj, f.attname) for f in fields} for obj in objs]
    for obj, values in zip(objs, plain, strict=True):
        for field in fields:
            obj.__dict__[field.attname] = field.seal(obj, values[field.attname])
    try:
        return queryset.bulk_update(objs, names, **kwargs)
    finally:
        for obj, values in zip(objs, plain, strict=True):
            obj.__dict__.update(values)


def encrypted_names(model: type[models.Model]) -> list[str]:
    """The model's encrypted columns."""
    return [f.name for f in _encrypted(model)]


def without_encrypted(
    queryset: models.QuerySet, *related: str, keep: tuple[str, ...] = ()
) -> models.QuerySet:
    """``select_related(*related)`` with every encrypted column of the model and of
    those relations deferred, except the model's own columns named in ``keep``: a
    page decrypts nothing it does not ask for by name.

    Reading a deferred column later costs one query per row, which the pages'
    pinned query counts would catch.
    """
    deferred = [name for name in encrypted_names(queryset.model) if name not in keep]
    for path in related:
        target = queryset.model
        for part in path.split("__"):
            target = target._meta.get_field(part).related_model
        deferred += [f"{path}__{name}" for name in encrypted_names(target)]
    return queryset.select_related(*related).defer(*deferred)
