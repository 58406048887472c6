"""What the practice and messages tests share: a client with a portal account and practice."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.db import connection

from rapport.ipt import practice
from rapport.ipt.models import PracticeAssignment
from tests.factories import make_portal_account, portal_signed_in


def assign(cast: SimpleNamespace, kind: str, instruction: str = "") -> PracticeAssignment:
    return practice.assign(cast.note, kind, instruction, by=cast.therapist)


def client_session(cast: SimpleNamespace) -> tuple[Any, Any]:
    account = make_portal_account(cast.client)
    return account, portal_signed_in(account)


def raw_column(table: str, column: str, public_id: Any) -> str:
    """What the database holds, without the model opening it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE public_id = %s", [public_id.hex])  # noqa: S608
        row = cursor.fetchone()
    if row is None:  # PostgreSQL stores UUIDs natively
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {column} FROM {table} WHERE public_id = %s", [public_id])  # noqa: S608
            row = cursor.fetchone()
    return row[0]
