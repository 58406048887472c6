"""The cast every test shares: a clinic with one of each role, and an outsider.

* therapist — treats ``client``; supervised by ``supervisor``
* colleague — another therapist in the clinic, treats ``colleague_client``
* supervisor — supervises ``therapist`` only
* intake — intake coordinator; admin — clinic admin
* outsider — a therapist in another clinic, treats ``outsider_client``

``client`` has an active IPT ``episode`` with a draft session ``note`` and the
therapist's ``process_note`` on it (text: ``PROCESS_NOTE_SECRET``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from rapport.core.models import Role
from rapport.ipt.models import ProcessNote
from tests.factories import (
    PROCESS_NOTE_SECRET,
    make_client,
    make_clinic,
    make_episode,
    make_note,
    make_staff,
    supervise,
)

# Property tests are reproducible: the same examples on every run and in CI, and
# a failing example is printed with a blob that @reproduce_failure replays. No
# per-example deadline: speed is measured by benchmarks, never by timing tests
# on a loaded machine. HYPOTHESIS_PROFILE=explore draws fresh random examples.
hypothesis_settings.register_profile(
    "ci", derandomize=True, print_blob=True, database=None, deadline=None
)
hypothesis_settings.register_profile("explore", print_blob=True, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def cast(db) -> SimpleNamespace:
    clinic = make_clinic("Riverside")
    other = make_clinic("Elsewhere")
    therapist = make_staff(clinic, "therapist", Role.THERAPIST)
    colleague = make_staff(clinic, "colleague", Role.THERAPIST)
    supervisor = make_staff(clinic, "supervisor", Role.SUPERVISOR)
    intake = make_staff(clinic, "intake", Role.INTAKE_COORDINATOR)
    admin = make_staff(clinic, "admin", Role.CLINIC_ADMIN)
    outsider = make_staff(other, "outsider", Role.THERAPIST)
    supervise(supervisor, therapist)
    client = make_client(clinic, therapist, background="Grief after a loss in March.")
    episode = make_episode(client)
    note = make_note(episode)
    process_note = ProcessNote.objects.create(note=note, author=therapist, text=PROCESS_NOTE_SECRET)
    return SimpleNamespace(
        clinic=clinic,
        other_clinic=other,
        therapist=therapist,
        colleague=colleague,
        supervisor=supervisor,
        intake=intake,
        admin=admin,
        outsider=outsider,
        client=client,
        episode=episode,
        note=note,
        process_note=process_note,
        colleague_client=make_client(clinic, colleague),
        outsider_client=make_client(other, outsider),
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    # Argon2 is the production hasher (tests/core/test_passwords.py checks it);
    # a fast one keeps a suite that creates hundreds of users quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _audit_checkpoints_in_tmp(settings, tmp_path) -> None:
    # The worker and verify_audit write and read checkpoints: never the installation's.
    settings.RAPPORT_AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"


@pytest.fixture(autouse=True)
def _each_test_starts_in_english() -> Iterator[None]:
    """Django's LocaleMiddleware activates a request's language for its thread and leaves
    it there; the next request resets it, but a test that calls code directly would
    otherwise inherit the Spanish of a test before it on the same worker."""
    translation.deactivate()
    yield
    translation.deactivate()
