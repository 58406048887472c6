"""Clinical text is encrypted at rest: in columns, in dumps, bound to its field."""

from __future__ import annotations

import base64
import os
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from rapport.clients.models import Client
from rapport.core.crypto import (
    DecryptionError,
    KeyRing,
    counting_decryptions,
    generate_key,
    keyring,
)
from rapport.core.models import OutboundEmail
from tests.factories import make_client, make_clinic

SECRET = "Grief after the loss of her brother in March"
KEY = base64.b64encode(bytes(range(32))).decode()  # fixed: test ids must match across xdist workers


def _raw(model: type, field: str, pk: int) -> str:
    """The stored column value, read past the ORM."""
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.get_field(field).column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def _set_raw(model: type, field: str, pk: int, value: str) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.get_field(field).column)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608


def _sql_dump() -> str:
    """A full SQL dump of the test database, as an operator's backup would hold it."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return "\n".join(connection.connection.iterdump())
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    host, port = db.get("HOST") or "localhost", str(db.get("PORT") or 5432)
    command = ["pg_dump", "--host", host, "--port", port, "--username", db["USER"], db["NAME"]]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def client_row(db: None) -> Client:
    return make_client(make_clinic(), background=SECRET)


def test_it_round_trips_text_through_the_field(client_row: Client) -> None:
    assert Client.objects.get(pk=client_row.pk).background == SECRET


def test_it_counts_only_the_values_a_query_decrypts(client_row: Client) -> None:
    with counting_decryptions() as loaded:
        Client.objects.get(pk=client_row.pk).background  # noqa: B018
    with counting_decryptions() as deferred:
        Client.objects.defer("background").get(pk=client_row.pk).display_name  # noqa: B018
    assert loaded.count > deferred.count
    assert loaded.count - deferred.count == 1  # the background, and nothing else differs


def test_it_stores_only_ciphertext_in_the_column(client_row: Client) -> None:
    raw = _raw(Client, "background", client_row.pk)
    assert raw.startswith("enc1:")
    assert SECRET not in raw
    assert "March" not in raw


def test_it_encrypts_the_same_text_differently_each_time(client_row: Client) -> None:
    other = make_client(client_row.clinic, background=SECRET)
    assert _raw(Client, "background", client_row.pk) != _raw(Client, "background", other.pk)


def test_it_refuses_a_tampered_ciphertext(client_row: Client) -> None:
    raw = _raw(Client, "background", client_row.pk)
    middle = len(raw) - 20  # inside the sealed text, clear of base64 padding
    swapped = "A" if raw[middle] != "A" else "B"
    _set_raw(Client, "background", client_row.pk, raw[:middle] + swapped + raw[middle + 1 :])
    with pytest.raises(DecryptionError):
        Client.objects.get(pk=client_row.pk)


def test_it_refuses_a_ciphertext_moved_to_another_field(client_row: Client) -> None:
    # Associated data names the field, so a value pasted elsewhere does not open.
    email = OutboundEmail.objects.create(recipient="x@example.com", text_body="hello")
    _set_raw(OutboundEmail, "text_body", email.pk, _raw(Client, "background", client_row.pk))
    with pytest.raises(DecryptionError):
        OutboundEmail.objects.get(pk=email.pk)


def test_it_keeps_plaintext_out_of_dumpdata(client_row: Client) -> None:
    out = StringIO()
    call_command("dumpdata", "clients", stdout=out)
    dump = out.getvalue()
    assert client_row.given_name in dump  # the row is in the dump...
    assert SECRET not in dump  # ...its clinical text is not
    assert "enc1:" in dump


def test_it_restores_text_from_a_dumpdata_fixture(client_row: Client, tmp_path: Path) -> None:
    fixture = tmp_path / "clients.json"
    call_command("dumpdata", "clients", output=str(fixture))
    Client.objects.all().delete()
    call_command("loaddata", str(fixture), stdout=StringIO())
    assert Client.objects.get(pk=client_row.pk).background == SECRET


def test_it_keeps_plaintext_out_of_a_database_dump(transactional_db: None) -> None:
    # Committed data: on PostgreSQL the dump is taken by a separate pg_dump process.
    row = make_client(make_clinic(), background=SECRET)
    dump = _sql_dump()
    assert row.given_name in dump
    assert SECRET not in dump
    assert "enc1:" in dump


def test_it_refuses_a_value_sealed_with_another_key() -> None:
    context = "clients.client.background"
    token = KeyRing(f"a:{generate_key()}").encrypt(SECRET, context)
    with pytest.raises(DecryptionError):  # same key id, different key
        KeyRing(f"a:{generate_key()}").decrypt(token, context)
    with pytest.raises(DecryptionError):  # key id not configured at all
        keyring().decrypt(token, context)


@pytest.mark.parametrize(
    "spec",
    ["", "nokey", f"bad id:{KEY}", "a:not-base64!", f"a:{base64.b64encode(bytes(16)).decode()}"],
)
def test_it_rejects_malformed_key_settings(spec: str) -> None:
    with pytest.raises(ImproperlyConfigured):
        KeyRing(spec)


def test_it_refuses_a_fixture_encrypted_under_an_unknown_key(
    client_row: Client, tmp_path: Path, settings
) -> None:
    from django.core.serializers.base import DeserializationError

    fixture = tmp_path / "clients.json"
    call_command("dumpdata", "clients", output=str(fixture))
    Client.objects.all().delete()
    settings.RAPPORT_ENCRYPTION_KEYS = "other:" + base64.b64encode(b"k" * 32).decode()
    with pytest.raises(DeserializationError):
        call_command("loaddata", str(fixture), stdout=StringIO())
    assert not Client.objects.exists()
