"""Shared vocabulary of the authorization matrix (tests/test_authorization_matrix.py).

Each feature keeps its rows in a module named ``authz_*.py`` beside its tests,
as ``EXPECTED = {url_name: Row(...)}``; the matrix test gathers them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

STAFF_ROLES = ["therapist", "colleague", "supervisor", "intake", "admin", "outsider"]
# Portal sessions: cast.client's own account, a guardian of cast.client (consent on
# record), and the client account of cast.colleague_client (another client).
PORTAL_ROLES = ["portal_client", "guardian", "other_portal"]
ROLES = ["anon", "no2fa", *STAFF_ROLES, *PORTAL_ROLES]
LOGIN, TWO_FA = "login", "2fa"

Kwargs = Callable[[SimpleNamespace], dict[str, Any]]


def outcomes(anon: object = LOGIN, no2fa: object = TWO_FA, **by_role: object) -> dict:
    """Expected GET outcome per role; staff roles not named share ``default`` (200).

    Portal roles not named get 403 where a stranger is sent to sign in (a portal
    session reaches no staff page), else what a stranger gets (public pages).
    """
    default = by_role.pop("default", 200)
    portal_default = by_role.pop("portal", 403 if anon == LOGIN else anon)
    staff = {r: by_role.get(r, default) for r in STAFF_ROLES}
    return (
        {"anon": anon, "no2fa": no2fa}
        | staff
        | {r: by_role.get(r, portal_default) for r in PORTAL_ROLES}
    )


def portal_outcomes(
    client: object = 200, guardian: object = 200, other: object | None = None, others: object = 302
) -> dict:
    """A portal page: strangers and staff are sent to the portal's sign-in page (``others``).

    ``other`` is what another client's session gets: the same as ``client`` on pages
    that show the session's own data, 404 on a page about one object of cast.client's.
    A page only the client may see (``Capability.PORTAL_OWN``) refuses a guardian: 403.
    """
    return outcomes(
        anon=others,
        no2fa=others,
        default=others,
        portal_client=client,
        guardian=guardian,
        other_portal=client if other is None else other,
    )


POST_ONLY = outcomes(anon=405, no2fa=405, default=405)
# Clinical pages of cast.client's episode: its therapist and the supervisor read;
# intake and admin are refused (403); colleague and outsider never see it (404).
CLINICAL_READ = outcomes(intake=403, admin=403, colleague=404, outsider=404)
CLINICAL_WRITE = outcomes(supervisor=403, intake=403, admin=403, colleague=404, outsider=404)


@dataclass(frozen=True)
class Row:
    expected: dict[str, object]
    kwargs: Kwargs = lambda cast: {}
    # Roles allowed to see the therapist's process note on this page (its author only).
    shows_process_note: frozenset[str] = field(default_factory=frozenset)


def episode(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": cast.episode.public_id}


def note(cast: SimpleNamespace) -> dict[str, Any]:
    return {"public_id": cast.note.public_id}


def portal_account(role: str, cast: SimpleNamespace) -> Any:
    """The portal account behind a portal role, opened once per cast."""
    from tests.factories import make_portal_account

    attribute = f"{role}_account"
    if not hasattr(cast, attribute):
        if role == "guardian":
            account = make_portal_account(
                cast.client, role="guardian", name="Sam Guardian", relationship="parent"
            )
        else:
            client = cast.colleague_client if role == "other_portal" else cast.client
            account = make_portal_account(client)
        setattr(cast, attribute, account)
    return getattr(cast, attribute)


def http_for(role: str, cast: SimpleNamespace) -> Any:
    """A CSRF-enforcing test client in the session of ``role`` (any of ROLES)."""
    from django.test import Client as HttpClient

    from tests.factories import portal_signed_in, signed_in

    if role == "anon":
        return HttpClient(enforce_csrf_checks=True)
    if role == "no2fa":
        return signed_in(cast.therapist, verified=False)
    if role in PORTAL_ROLES:
        return portal_signed_in(portal_account(role, cast))
    return signed_in(getattr(cast, role))
