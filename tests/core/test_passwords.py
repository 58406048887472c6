"""Password rules per OWASP ASVS 2.1 and Argon2 hashing."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

import rapport.settings as production_settings
from rapport.core.models import User


@pytest.mark.django_db
def test_it_hashes_passwords_with_argon2(settings) -> None:
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS
    user = User.objects.create_user("someone", password="a long enough passphrase")
    assert user.password.startswith("argon2")
    assert user.check_password("a long enough passphrase")


@pytest.mark.parametrize(
    "password",
    [
        "short1!",  # under 12 characters
        "qwerty123456",  # on the common-password list
        "x" * 129,  # past the hashing-abuse bound
    ],
)
def test_it_refuses_weak_or_abusive_passwords(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize(
    "password",
    [
        "plain lowercase words are fine",  # no composition rules
        "correct horse battery staple and a long walk by the river " * 2,  # long passphrase
        "twelve chars",
    ],
)
def test_it_accepts_passphrases_without_composition_rules(password: str) -> None:
    validate_password(password[:128])
