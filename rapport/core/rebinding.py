"""Migration steps that bind every stored ciphertext to its row (core.fields).

Older rows hold ciphertext sealed with the column's name only, and some PHI
columns held plaintext. ``Rebind`` rewrites each value sealed with the column's
name and the row's ``public_id``; its reverse restores the older form, so the
migrations stay reversible. ``add_public_id`` gives a table without one its row
identity (filled per row: a callable default would give every old row the same).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.db import migrations, models

from rapport.core.crypto import DecryptionError, is_token, keyring

BATCH = 500


def add_public_id(app_label: str, model_name: str) -> list[Any]:
    def fill(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        for pk in model._base_manager.filter(public_id__isnull=True).values_list("pk", flat=True):
            model._base_manager.filter(pk=pk).update(public_id=uuid.uuid4())

    return [
        migrations.AddField(model_name, "public_id", models.UUIDField(editable=False, null=True)),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name,
            "public_id",
            models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]


class Column:
    """One column to rebind: ``plain_before`` when it held plaintext until now."""

    def __init__(self, name: str, *, plain_before: bool = False, json: bool = False) -> None:
        self.name, self.plain_before, self.json = name, plain_before, json


def rebind(app_label: str, tables: dict[str, Iterable[str | Column]]) -> migrations.RunPython:
    """Seal every listed column of every row with its row identity (reverse: unbind)."""
    spec = {
        model: [c if isinstance(c, Column) else Column(c) for c in columns]
        for model, columns in tables.items()
    }

    def forward(apps: Any, schema_editor: Any) -> None:
        for model_name, columns in spec.items():
            _rewrite(apps.get_model(app_label, model_name), columns, schema_editor, _bound)

    def backward(apps: Any, schema_editor: Any) -> None:
        for model_name, columns in spec.items():
            _rewrite(apps.get_model(app_label, model_name), columns, schema_editor, _unbound)

    return migrations.RunPython(forward, backward, elidable=False)


def _bound(value: str, column: Column, label: str, identity: str) -> str:
    field_context = f"{label}.{column.name}"
    row_context = f"{field_context}#{identity}"
    ring = keyring()
    if is_token(value):
        try:
            return ring.encrypt(ring.decrypt(value, field_context), row_context)
        except DecryptionError:
            ring.decrypt(value, row_context)  # already bound (a rerun); anything else raises
            return value
    if column.json:
        value = json.dumps(json.loads(value), sort_keys=True)
    return ring.encrypt(value, row_context)


def _unbound(value: str, column: Column, label: str, identity: str) -> str:
    field_context = f"{label}.{column.name}"
    plain = keyring().decrypt(value, f"{field_context}#{identity}")
    return plain if column.plain_before else keyring().encrypt(plain, field_context)


def _rewrite(
    model: Any, columns: list[Column], schema_editor: Any, convert: Callable[..., str]
) -> None:
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    meta = model._meta
    pk = quote(meta.pk.column)
    names = [quote(meta.get_field(c.name).column) for c in columns]
    # Identifiers come from the model's meta, quoted; values are parameters.
    table, selected = quote(meta.db_table), ", ".join(names)
    select = f"SELECT {pk}, {quote('public_id')}, {selected} FROM {table} WHERE {pk} > %s"  # noqa: S608
    select += f" ORDER BY {pk} LIMIT {BATCH}"
    assigned = ", ".join(f"{n} = %s" for n in names)
    update = f"UPDATE {table} SET {assigned} WHERE {pk} = %s"  # noqa: S608
    last: Any = -1
    with connection.cursor() as cursor:
        while True:
            cursor.execute(select, [last])
            rows = cursor.fetchall()
            if not rows:
                return
            for key, public_id, *values in rows:
                identity = str(uuid.UUID(str(public_id)))
                new = [
                    value if value in (None, "") else convert(value, c, meta.label_lower, identity)
                    for value, c in zip(values, columns, strict=True)
                ]
                cursor.execute(update, [*new, key])
            last = rows[-1][0]
