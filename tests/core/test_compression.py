"""Pages go out uncompressed, so BREACH cannot read secrets from their size
(docs/security.md, "Compression and BREACH")."""

from __future__ import annotations

from types import SimpleNamespace

from django.conf import settings
from django.urls import reverse

from tests.factories import signed_in


def test_a_page_with_client_data_and_a_csrf_token_is_not_compressed(
    cast: SimpleNamespace,
) -> None:
    http = signed_in(cast.therapist)
    url = reverse("clients:edit", args=[cast.client.public_id])
    response = http.get(url, headers={"accept-encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
    assert cast.client.family_name.encode() in response.content
    assert "Content-Encoding" not in response


def test_no_compressing_middleware_is_installed() -> None:
    assert not [name for name in settings.MIDDLEWARE if "gzip" in name.lower()]
