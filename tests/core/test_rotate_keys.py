"""Key rotation: new key first, re-encrypt everything, then the old key can go."""

from __future__ import annotations

import threading
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from pytest_django.fixtures import Settings

from rapport.clients.models import Client
from rapport.core.crypto import generate_key
from rapport.core.fields import sealed
from rapport.core.management.commands.rotate_encryption_keys import encrypted_fields
from rapport.core.models import OutboundEmail
from rapport.core.outbox import queue_email
from tests.factories import make_client, make_clinic

OLD = f"old:{generate_key()}"
NEW = f"new:{generate_key()}"
BACKGROUNDS = [
    "Grief after the loss of her brother in March",
    "Role dispute with his manager",
    "Transition: moved cities after the divorce",
]


def _raw_values() -> list[str]:
    """Every non-empty encrypted column of every model, as stored."""
    values = []
    with connection.cursor() as cursor:
        for model, names in encrypted_fields():
            columns = ", ".join(
                connection.ops.quote_name(model._meta.get_field(n).column) for n in names
            )
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT {columns} FROM {table}")  # noqa: S608
            values += [value for row in cursor.fetchall() for value in row if value]
    return values


def _readable() -> tuple[list[str], list[tuple[str, str, str]]]:
    # Rows, not values(): a value opens with its row's identity.
    backgrounds = [c.background for c in Client.objects.order_by("pk")]
    emails = [(e.recipient, e.text_body, e.html_body) for e in OutboundEmail.objects.order_by("pk")]
    return backgrounds, emails


def _rotate() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("rotate_encryption_keys", batch_size=2, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def old_rows(db: None, settings: Settings) -> tuple[list[str], list[tuple[str, str, str]]]:
    settings.RAPPORT_ENCRYPTION_KEYS = OLD
    clinic = make_clinic()
    for background in [*BACKGROUNDS, ""]:
        make_client(clinic, background=background)
    for n in range(2):
        queue_email("core/emails/two_factor_enabled", to=f"staff{n}@example.com")
    assert all(value.startswith("enc1:old:") for value in _raw_values())
    return _readable()


def test_it_re_encrypts_every_column_under_the_new_key(
    old_rows: tuple[list[str], list[tuple[str, str, str]]], settings: Settings
) -> None:
    settings.RAPPORT_ENCRYPTION_KEYS = f"{NEW},{OLD}"
    out, _ = _rotate()
    raw = _raw_values()
    assert len(raw) == len(BACKGROUNDS) + 2 * 3  # empty text stays empty, not encrypted
    assert all(value.startswith("enc1:new:") for value in raw)
    assert _readable() == old_rows
    assert "Re-encrypted 5 row(s) under key new." in out


def test_it_reads_everything_once_the_old_key_is_gone(
    old_rows: tuple[list[str], list[tuple[str, str, str]]], settings: Settings
) -> None:
    settings.RAPPORT_ENCRYPTION_KEYS = f"{NEW},{OLD}"
    _rotate()
    settings.RAPPORT_ENCRYPTION_KEYS = NEW
    assert _readable() == old_rows


def test_it_finds_nothing_to_do_on_a_second_run(
    old_rows: tuple[list[str], list[tuple[str, str, str]]], settings: Settings
) -> None:
    settings.RAPPORT_ENCRYPTION_KEYS = f"{NEW},{OLD}"
    _rotate()
    out, err = _rotate()
    assert "Re-encrypted 0 row(s) under key new." in out
    assert err == ""  # no progress bar when nothing is stale


def test_it_shows_progress_per_model(
    old_rows: tuple[list[str], list[tuple[str, str, str]]], settings: Settings
) -> None:
    settings.RAPPORT_ENCRYPTION_KEYS = f"{NEW},{OLD}"
    _, err = _rotate()
    assert "clients.Client" in err
    assert "3/3" in err
    assert "core.OutboundEmail" in err
    assert "2/2" in err
    # Redrawn in place with "\r": one finished line per model, not one per redraw.
    assert err.count("\n") == 2


def test_it_leaves_rows_already_under_the_active_key_alone(
    old_rows: tuple[list[str], list[tuple[str, str, str]]], settings: Settings
) -> None:
    settings.RAPPORT_ENCRYPTION_KEYS = f"{NEW},{OLD}"
    make_client(make_clinic("Second"), background="Already under the new key")
    before = set(_raw_values())
    out, _ = _rotate()
    assert "Re-encrypted 5 row(s)" in out
    assert len(before & set(_raw_values())) == 1  # only the new-key value kept its ciphertext


def test_it_keeps_an_edit_committed_while_rotation_runs(
    transactional_db: None, settings: Settings
) -> None:
    settings.RAPPORT_ENCRYPTION_KEYS = OLD
    row = make_client(make_clinic(), background="Before the session")
    settings.RAPPORT_ENCRYPTION_KEYS = f"{NEW},{OLD}"
    locked, failures = threading.Event(), []

    def clinician_edits() -> None:
        # Holds the row (PostgreSQL) or the write lock (SQLite) while rotation starts.
        try:
            with transaction.atomic():
                Client.objects.filter(pk=row.pk).update(
                    **sealed(row, background="After the session")
                )
                locked.set()
                time.sleep(1)
        except BaseException as error:
            failures.append(error)
            locked.set()
        finally:
            connection.close()

    editor = threading.Thread(target=clinician_edits)
    editor.start()
    locked.wait(timeout=10)
    _rotate()
    editor.join(timeout=30)
    assert not failures
    assert Client.objects.get(pk=row.pk).background == "After the session"
