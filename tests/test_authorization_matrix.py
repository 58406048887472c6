"""Every URL pattern, for every role: login, 2FA, 403 or 404 exactly as the role table says.

A new URL pattern fails this test until it is given a row in EXPECTED.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from rapport.ipt.models import ProcessNote
from tests.authz import (
    CLINICAL_READ,
    CLINICAL_WRITE,
    LOGIN,
    POST_ONLY,
    ROLES,
    TWO_FA,
    Row,
    episode,
    http_for,
    outcomes,
)
from tests.factories import (
    PROCESS_NOTE_SECRET,
    make_episode,
    make_note,
    signed_in,
)


def client(cast: SimpleNamespace) -> dict:
    return {"public_id": cast.client.public_id}


def staff(cast: SimpleNamespace) -> dict:
    return {"public_id": cast.therapist.public_id}


def forged_link(cast: SimpleNamespace) -> dict:
    return {"public_id": cast.therapist.public_id, "token": "forged-token"}


# The object in object URLs is cast.client (or its episode): the therapist's
# client, whom the supervisor oversees; colleague and outsider have no business with it.
CORE_AND_CLIENTS: dict[str, Row] = {
    "core:home": Row(outcomes(anon=302, no2fa=302, default=302)),
    "core:login": Row(outcomes(anon=200, no2fa=200, default=200)),
    "core:two_factor_verify": Row(outcomes(no2fa=200, default=302)),
    "core:two_factor_setup": Row(outcomes(no2fa=302, default=302)),
    "core:logout": Row(POST_ONLY),
    "core:session_ping": Row(POST_ONLY),
    "core:dashboard": Row(outcomes()),
    "core:recovery_codes": Row(outcomes()),
    "core:audit_log": Row(outcomes(default=403, admin=200)),
    "core:audit_export": Row(outcomes(default=403, admin=200)),
    "core:clinic_settings": Row(outcomes(default=403, admin=200)),
    "core:forgot_password": Row(outcomes(anon=200, no2fa=200, default=200)),
    "core:set_password": Row(outcomes(anon=400, no2fa=400, default=400), forged_link),
    "core:staff_list": Row(outcomes(default=403, admin=200)),
    "core:staff_invite": Row(outcomes(default=403, admin=200)),
    "core:staff_edit": Row(outcomes(default=403, admin=200), staff),
    "core:staff_toggle_active": Row(POST_ONLY, staff),
    "core:staff_reset_second_factor": Row(POST_ONLY, staff),
    "core:staff_resend_invitation": Row(POST_ONLY, staff),
    "core:healthz": Row(outcomes(anon=200, no2fa=200, default=200)),
    "clients:list": Row(outcomes()),
    "clients:create": Row(outcomes(default=403, intake=200, admin=200)),
    "clients:detail": Row(outcomes(colleague=404, outsider=404), client),
    "clients:edit": Row(outcomes(supervisor=403, colleague=404, outsider=404), client),
    "clients:clinical": Row(CLINICAL_READ, client),
    "clients:clinical_edit": Row(CLINICAL_WRITE, client),
    "ipt:episode_start": Row(CLINICAL_WRITE, lambda cast: {"client_id": cast.client.public_id}),
    "ipt:episode": Row(CLINICAL_READ, episode),
}


def _feature_rows() -> dict[str, Row]:
    rows: dict[str, Row] = {}
    for path in sorted(Path(__file__).parent.rglob("authz_*.py")):
        module = importlib.import_module(
            ".".join(path.relative_to(Path(__file__).parents[1]).with_suffix("").parts)
        )
        rows.update(module.EXPECTED)
    return rows


EXPECTED = CORE_AND_CLIENTS | _feature_rows()


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
    return http_for(role, cast)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_it_enforces_the_role_table(name: str, cast: SimpleNamespace) -> None:
    row = EXPECTED[name]
    url = reverse(name, kwargs=row.kwargs(cast))
    for role in ROLES:
        response = _http_for(role, cast).get(url)
        want = row.expected[role]
        if want == LOGIN:
            assert response.status_code == 302, (name, role)
            assert response.url.startswith(reverse("core:login")), (name, role)
        elif want == TWO_FA:
            assert response.status_code == 302, (name, role)
            assert response.url.startswith(reverse("core:two_factor_verify")), (name, role)
        else:
            assert response.status_code == want, (name, role, response.status_code)
        # Process notes reach nobody but their author (HIPAA psychotherapy notes).
        if role not in row.shows_process_note:
            assert PROCESS_NOTE_SECRET.encode() not in response.getvalue(), (name, role)


# Roles whose reach over clients is narrower than the clinic (core/access.py):
# a therapist reaches assigned clients, a supervisor their supervisees' clients.
NARROW_ROLES = ("therapist", "supervisor")
SUCCESS = {200, 302}


@pytest.fixture
def beyond_reach(cast: SimpleNamespace) -> SimpleNamespace:
    """The same objects, one step outside the narrow reaches.

    They belong to the colleague's client: a therapist who is not the cast's
    therapist and whom the supervisor does not supervise. So the therapist and
    the supervisor stand just outside their reach, and the colleague is the owner.
    """
    episode = make_episode(cast.colleague_client)
    note = make_note(episode)
    ProcessNote.objects.create(note=note, author=cast.colleague, text=PROCESS_NOTE_SECRET)
    return SimpleNamespace(
        **(
            vars(cast)
            | {
                "therapist": cast.colleague,
                "colleague": cast.therapist,
                "client": cast.colleague_client,
                "episode": episode,
                "note": note,
            }
        )
    )


# Rows about one client's record: the colleague, who has no business with
# cast.client, is refused as if it did not exist.
CLIENT_SCOPED = sorted(name for name, row in EXPECTED.items() if row.expected["colleague"] == 404)


def test_it_walks_client_scoped_urls() -> None:
    # Guards the walk below against an empty or shrunken selection.
    assert {"clients:clinical", "ipt:note", "measures:alert", "scheduling:appointment"} <= set(
        CLIENT_SCOPED
    )


@pytest.mark.parametrize("name", CLIENT_SCOPED)
def test_it_hides_the_first_client_outside_each_narrow_reach(
    name: str, cast: SimpleNamespace, beyond_reach: SimpleNamespace
) -> None:
    row = EXPECTED[name]
    url = reverse(name, kwargs=row.kwargs(beyond_reach))
    for role in NARROW_ROLES:
        within = row.expected[role]
        # What the role may do to its own client, it may not do here; a role
        # refused the act itself (403) may be refused before or after the lookup.
        want = {404} if within in SUCCESS else {within, 404} if within == 403 else {within}
        response = signed_in(getattr(cast, role)).get(url)
        assert response.status_code in want, (name, role, response.status_code)
        assert PROCESS_NOTE_SECRET.encode() not in response.getvalue(), (name, role)
    # The colleague owns these objects and gets what the therapist gets on their own.
    owner = signed_in(cast.colleague).get(url)
    assert owner.status_code == row.expected["therapist"], (name, owner.status_code)
