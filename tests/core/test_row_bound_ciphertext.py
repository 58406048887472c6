"""Encrypted values are bound to their row as well as their column.

Swapping two rows' ciphertexts of the same column in SQL must fail to decrypt,
never show one client's text on another's record. Every way a value reaches the
database (save, update, bulk create and update, loaddata) seals it for its row,
and every way one comes back (a load, a deferred column, a refresh) opens it.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.db import transaction
from pytest_django.fixtures import Settings

from rapport.clients.models import Client
from rapport.core.crypto import DecryptionError, counting_decryptions, generate_key, keyring
from rapport.core.fields import UnboundPlaintext, bulk_update_sealed, sealed
from rapport.measures.models import Response
from tests.core.test_crypto import _raw, _set_raw
from tests.factories import make_client, make_clinic

pytestmark = pytest.mark.django_db

BORN = date(1990, 1, 1)
FIRST = "Grief after the loss of her brother in March"
SECOND = "Role dispute with his manager about the night shifts"


def _pair() -> tuple[Client, Client]:
    clinic = make_clinic()
    return make_client(clinic, background=FIRST), make_client(clinic, background=SECOND)


def _response(client: Client, answers: dict[str, int]) -> Response:
    return Response.objects.create(
        clinic_id=client.clinic_id,
        client=client,
        instrument="phq9",
        instrument_version="1",
        answers=answers,
        total=sum(answers.values()),
        band="mild",
        mode=Response.Mode.IN_SESSION,
        submitted_at=datetime(2026, 11, 2, 10, tzinfo=UTC),
    )


def _swap(model: type, field: str, one: int, other: int) -> None:
    first, second = _raw(model, field, one), _raw(model, field, other)
    _set_raw(model, field, one, second)
    _set_raw(model, field, other, first)


def test_it_detects_two_rows_ciphertexts_swapped_in_sql() -> None:
    one, other = _pair()
    _swap(Client, "background", one.pk, other.pk)
    for row in (one, other):
        with pytest.raises(DecryptionError, match="does not belong to this row"):
            Client.objects.get(pk=row.pk)


def test_it_detects_swapped_questionnaire_answers() -> None:
    one, other = _pair()
    mine, theirs = _response(one, {"q1": 3, "q9": 2}), _response(other, {"q1": 0, "q9": 0})
    assert Response.objects.get(pk=mine.pk).answers == {"q1": 3, "q9": 2}
    _swap(Response, "answers", mine.pk, theirs.pk)
    with pytest.raises(DecryptionError):
        Response.objects.get(pk=mine.pk)


def test_it_stores_answers_only_as_ciphertext() -> None:
    one, _ = _pair()
    stored = _raw(Response, "answers", _response(one, {"q1": 3, "q9": 2}).pk)
    assert stored.startswith(keyring().active_prefix)
    assert "q9" not in stored


def test_it_binds_the_row_identity_into_the_associated_data() -> None:
    one, _ = _pair()
    token = _raw(Client, "background", one.pk)
    assert keyring().decrypt(token, f"clients.client.background#{one.public_id}") == FIRST
    with pytest.raises(DecryptionError):  # the column's name alone no longer opens it
        keyring().decrypt(token, "clients.client.background")


def test_it_opens_deferred_and_refreshed_values_with_the_same_decrypt_count() -> None:
    one, _ = _pair()
    with counting_decryptions() as tally:
        row = Client.objects.defer("background").get(pk=one.pk)
        assert tally.count == 0
        assert row.background == FIRST  # one query and one decrypt, as before
        row.refresh_from_db(fields=["background"])
        assert row.background == FIRST
        only = Client.objects.only("background").get(pk=one.pk)  # identity deferred
        assert only.background == FIRST
    assert tally.count == 3


def test_it_refuses_plaintext_written_without_its_row() -> None:
    one, _ = _pair()
    with pytest.raises(UnboundPlaintext), transaction.atomic():
        Client.objects.filter(pk=one.pk).update(background="typed over")
    Client.objects.filter(pk=one.pk).update(**sealed(one, background="typed over"))
    assert Client.objects.get(pk=one.pk).background == "typed over"


def test_it_seals_bulk_created_and_bulk_updated_rows_for_their_own_row() -> None:
    clinic = make_clinic()
    made = Client.objects.bulk_create(
        [
            Client(clinic=clinic, given_name=f"C{n}", date_of_birth=BORN, background=f"text {n}")
            for n in range(3)
        ]
    )
    rows = list(Client.objects.filter(pk__in=[c.pk for c in made]).order_by("pk"))
    assert [r.background for r in rows] == ["text 0", "text 1", "text 2"]
    for row in rows:
        row.background = f"new {row.given_name}"
    with pytest.raises(UnboundPlaintext), transaction.atomic():
        Client.objects.bulk_update(rows, ["background"])
    bulk_update_sealed(Client.objects.all(), rows, ["background"])
    assert rows[0].background == "new C0"  # the objects keep their text
    fresh = Client.objects.filter(pk__in=[c.pk for c in made]).order_by("pk")
    assert [r.background for r in fresh] == ["new C0", "new C1", "new C2"]


def test_it_refuses_a_dumped_fixture_whose_rows_were_swapped(tmp_path: Path) -> None:
    _pair()
    fixture = tmp_path / "clients.json"
    call_command("dumpdata", "clients.client", output=str(fixture))
    rows = json.loads(fixture.read_text())
    one, other = rows[0]["fields"], rows[1]["fields"]
    one["background"], other["background"] = other["background"], one["background"]
    fixture.write_text(json.dumps(rows))
    Client.objects.all().delete()
    with pytest.raises(DeserializationError, match="does not belong to this row"):
        call_command("loaddata", str(fixture), stdout=StringIO())


def test_key_rotation_reseals_answers_for_their_own_row(settings: Settings) -> None:
    old, new = f"old:{generate_key()}", f"new:{generate_key()}"
    settings.RAPPORT_ENCRYPTION_KEYS = old
    one, other = _pair()
    mine = _response(one, {"q1": 3, "q9": 2})
    settings.RAPPORT_ENCRYPTION_KEYS = f"{new},{old}"
    call_command("rotate_encryption_keys", stdout=StringIO(), stderr=StringIO())
    settings.RAPPORT_ENCRYPTION_KEYS = new  # the old key is gone
    assert _raw(Response, "answers", mine.pk).startswith("enc1:new:")
    assert Response.objects.get(pk=mine.pk).answers == {"q1": 3, "q9": 2}
    assert Client.objects.get(pk=other.pk).background == SECOND
    _swap(Client, "background", one.pk, other.pk)  # still bound to the row after rotation
    with pytest.raises(DecryptionError):
        Client.objects.get(pk=one.pk)


def test_a_waitlist_removal_reason_is_stored_sealed_and_written_once() -> None:
    from rapport.intake import waitlist
    from rapport.intake.models import WaitlistEntry
    from tests.intake.queue_helpers import make_request

    request = make_request(make_clinic())
    entry = waitlist.add(request, preferred_therapist=None)
    assert waitlist.remove(request, reason="Admitted to the ward last week")
    assert not waitlist.remove(request, reason="again")  # no longer waiting: nothing written
    stored = _raw(WaitlistEntry, "removed_reason", entry.pk)
    assert stored.startswith("enc1:")
    assert "ward" not in stored
    assert WaitlistEntry.objects.get(pk=entry.pk).removed_reason == "Admitted to the ward last week"
