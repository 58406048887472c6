"""Rows as plain dicts for the FHIR builders: what makes bulk export fast.

A builder of ``rapport.interop.resources`` reads a row as a dict keyed by the
``values()`` lookups its type declares ("client__public_id"). Exports and the full
record read those columns straight from the database (no model instance, no
signals, no encrypted column the resource does not print); the read API, which
holds model instances, reads the same keys from them (``from_instance``). One
builder, two ways in: the resources cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import translation

from rapport.core.fields import EncryptedTextField, Sealed

Row = dict[str, Any]
BATCH = 500  # rows whose related lists one query reads


@dataclass(frozen=True)
class _Identity:
    """What ``EncryptedTextField.open`` needs of a row: its public id."""

    public_id: Any


def from_instance(instance: Model, columns: Iterable[str]) -> Row:
    """The row of ``columns`` read from a loaded instance (``a__b`` follows relations)."""
    row: Row = {}
    for column in columns:
        value: Any = instance
        for part in column.split("__"):
            value = getattr(value, part, None)
            if value is None:
                break
        row[column] = value
    return row


def _field_at(model: type[Model], column: str) -> Any:
    *path, name = column.split("__")
    for part in path:
        model = model._meta.get_field(part).related_model
    return model._meta.get_field(name)


def openers(model: type[Model], columns: Iterable[str]) -> list[tuple[str, Any, str]]:
    """(column, field, identity column) for each encrypted column among ``columns``."""
    out = []
    for column in columns:
        field = _field_at(model, column)
        if isinstance(field, EncryptedTextField):
            prefix = column[: -len(field.name)]
            out.append((column, field, f"{prefix}public_id"))
    return out


def opened(row: Row, sealed: list[tuple[str, Any, str]]) -> Row:
    """``row`` with its encrypted columns opened (bound to their row's public id)."""
    for column, field, identity in sealed:
        value = row[column]
        if isinstance(value, Sealed):
            row[column] = field.open(_Identity(row[identity]), value)
    return row


def stream(
    rows: QuerySet,
    columns: tuple[str, ...],
    build: Callable[[Row], dict[str, Any]],
    chunk_size: int,
    attach: Callable[[list[Row]], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Each row's resource, read with ``values(*columns)`` through a cursor in chunks.

    Built one at a time, as they are written: a resource lives only until it is
    serialised, so it dies young and the garbage collector has little to scan.
    """
    sealed = openers(rows.model, columns)
    values = rows.prefetch_related(None).values(*columns).iterator(chunk_size=chunk_size)
    if attach is None:
        for row in values:
            yield build(opened(row, sealed))
        return
    while batch := list(islice(values, BATCH)):
        attach(batch)  # one query per batch for the lists a resource holds
        for row in batch:
            yield build(opened(row, sealed))


@lru_cache(maxsize=512)
def _choice_label(model: type[Model], name: str, value: Any) -> str:
    with translation.override("en"):
        return str(dict(model._meta.get_field(name).flatchoices).get(value, value))


def choice_label(model: type[Model], name: str, value: Any) -> str:
    """``get_<name>_display()`` for a row, in English as every resource is (cached)."""
    return _choice_label(model, name, value)
