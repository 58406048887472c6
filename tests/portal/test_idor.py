"""The IDOR walk, extended to the portal: no client reaches another client's objects.

Portal pages take no client id: the session says whose data it shows. Any portal
URL that names an object (a ``public_id`` or other UUID) is opened with an object
of cast.client's (its matrix row's kwargs) from another client's session: every
GET and every POST answers 404 and changes nothing.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.apps import apps
from django.urls import URLPattern, get_resolver, reverse

from rapport.core.access import Capability
from rapport.core.models import AuditEvent
from tests.authz import portal_account
from tests.factories import csrf_post, portal_signed_in
from tests.test_authorization_matrix import EXPECTED

PORTAL_CAPABILITIES = {Capability.PORTAL_OWN, Capability.PORTAL_SHARED}


def _portal_patterns() -> dict[str, URLPattern]:
    resolver = get_resolver()
    (portal,) = [p for p in resolver.url_patterns if getattr(p, "namespace", None) == "portal"]
    return {f"portal:{p.name}": p for p in portal.url_patterns if isinstance(p, URLPattern)}


def _is_portal_page(pattern: URLPattern) -> bool:
    return getattr(pattern.callback, "required_capability", None) in PORTAL_CAPABILITIES


OBJECT_URLS = sorted(
    name
    for name, pattern in _portal_patterns().items()
    # A URL without a matrix row fails the matrix's own completeness test.
    if _is_portal_page(pattern) and pattern.pattern.converters and name in EXPECTED
)
PORTAL_PAGES = sorted(name for name, p in _portal_patterns().items() if _is_portal_page(p))


def test_portal_pages_name_no_client() -> None:
    for name in PORTAL_PAGES:
        route = str(_portal_patterns()[name].pattern)
        assert "client" not in route, f"{name} names a client in its address: {route}"


def test_every_portal_object_url_declares_a_404_for_another_client() -> None:
    for name in OBJECT_URLS:
        expected = EXPECTED[name].expected["other_portal"]
        assert expected in (404, 405), (name, expected)


def test_object_urls_left_out_of_the_walk_refuse_portal_sessions() -> None:
    # Staff pages about portal matters live in the same namespace; the matrix
    # holds them to 403 (or 405) for every portal session.
    for name, pattern in _portal_patterns().items():
        if pattern.pattern.converters and not _is_portal_page(pattern) and name in EXPECTED:
            for role in ("portal_client", "guardian", "other_portal"):
                assert EXPECTED[name].expected[role] in (403, 405), (name, role)


def _counts() -> dict[str, int]:
    """Rows per table, less the audit log (refusals are recorded) and sessions."""
    skip = {AuditEvent._meta.label, "sessions.Session"}
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.label not in skip
    }


@pytest.mark.parametrize("name", OBJECT_URLS)
def test_another_clients_session_cannot_reach_the_object(name: str, cast: SimpleNamespace) -> None:
    url = reverse(name, kwargs=EXPECTED[name].kwargs(cast))  # an object of cast.client's
    http = portal_signed_in(portal_account("other_portal", cast))
    before = _counts()
    assert http.get(url).status_code in (404, 405), (name, "GET")
    answer = csrf_post(http, url, {"_confirmed": "1"})
    assert answer.status_code == 404, (name, "POST", answer.status_code)
    assert _counts() == before, name
