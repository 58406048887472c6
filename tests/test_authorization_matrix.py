"""Every URL pattern, for every role: login, 2FA, 403 or 404 exactly as the role table says.

A new URL pattern fails this test until it is given a row in EXPECTED.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import signed_in

ROLES = ["anon", "no2fa", "therapist", "colleague", "supervisor", "intake", "admin", "outsider"]
LOGIN, TWO_FA = "login", "2fa"


def row(anon: object = LOGIN, no2fa: object = TWO_FA, **by_role: object) -> dict[str, object]:
    """Expected GET outcome per role; roles not named share ``default``."""
    default = by_role.pop("default", 200)
    return {"anon": anon, "no2fa": no2fa} | {r: by_role.get(r, default) for r in ROLES[2:]}


# url name -> (kwargs builder, expected outcome per role). The object in
# object URLs is ``cast.client``: the therapist's client, whom the supervisor
# oversees; colleague and outsider have no business with it.
CLIENT, STAFF, LINK = "client", "staff", "link"
POST_ONLY = row(anon=405, no2fa=405, default=405)
EXPECTED: dict[str, tuple[str | None, dict[str, object]]] = {
    "core:home": (None, row(anon=302, no2fa=302, default=302)),
    "core:login": (None, row(anon=200, no2fa=200, default=200)),
    "core:two_factor_verify": (None, row(no2fa=200, default=302)),
    "core:two_factor_setup": (None, row(no2fa=302, default=302)),
    "core:logout": (None, POST_ONLY),
    "core:session_ping": (None, POST_ONLY),
    "core:dashboard": (None, row()),
    "core:recovery_codes": (None, row()),
    "core:audit_log": (None, row(default=403, admin=200)),
    "core:clinic_settings": (None, row(default=403, admin=200)),
    "core:forgot_password": (None, row(anon=200, no2fa=200, default=200)),
    "core:set_password": (LINK, row(anon=400, no2fa=400, default=400)),  # a forged link
    "core:staff_list": (None, row(default=403, admin=200)),
    "core:staff_invite": (None, row(default=403, admin=200)),
    "core:staff_edit": (STAFF, row(default=403, admin=200)),
    "core:staff_toggle_active": (STAFF, POST_ONLY),
    "core:staff_reset_second_factor": (STAFF, POST_ONLY),
    "core:staff_resend_invitation": (STAFF, POST_ONLY),
    "core:healthz": (None, row(anon=200, no2fa=200, default=200)),
    "clients:list": (None, row()),
    "clients:create": (None, row(default=403, intake=200, admin=200)),
    "clients:detail": (CLIENT, row(colleague=404, outsider=404)),
    "clients:edit": (CLIENT, row(supervisor=403, colleague=404, outsider=404)),
    "clients:clinical": (CLIENT, row(intake=403, admin=403, colleague=404, outsider=404)),
    "clients:clinical_edit": (
        CLIENT,
        row(supervisor=403, intake=403, admin=403, colleague=404, outsider=404),
    ),
}


def _url_names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _url_names(pattern, namespace)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"URL pattern {pattern.pattern} has no name"
            names.add(prefix + pattern.name)
    return names


def test_it_has_an_expectation_for_every_url_pattern() -> None:
    assert _url_names(get_resolver()) == set(EXPECTED)


def _http_for(role: str, cast: SimpleNamespace) -> HttpClient:
    if role == "anon":
        return HttpClient()
    if role == "no2fa":
        return signed_in(cast.therapist, verified=False)
    return signed_in(getattr(cast, role))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_it_enforces_the_role_table(name: str, cast: SimpleNamespace) -> None:
    kwargs_kind, expected = EXPECTED[name]
    kwargs = {
        None: {},
        CLIENT: {"public_id": cast.client.public_id},
        STAFF: {"public_id": cast.therapist.public_id},
        LINK: {"public_id": cast.therapist.public_id, "token": "forged-token"},
    }[kwargs_kind]
    url = reverse(name, kwargs=kwargs)
    for role in ROLES:
        response = _http_for(role, cast).get(url)
        want = expected[role]
        if want == LOGIN:
            assert response.status_code == 302, (name, role)
            assert response.url.startswith(reverse("core:login")), (name, role)
        elif want == TWO_FA:
            assert response.status_code == 302, (name, role)
            assert response.url.startswith(reverse("core:two_factor_verify")), (name, role)
        else:
            assert response.status_code == want, (name, role, response.status_code)
