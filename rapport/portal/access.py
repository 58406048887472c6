"""How a portal session is recognised, and how portal views declare what they show.

A portal sign-in puts the account's key in the session. On every request the
middleware checks that the account is still live and marks ``request.user`` with
``portal_role`` and ``portal_client_id``, which ``rapport.core.access`` turns into
``Reach.SELF``: querysets scoped with ``visible_to(user, Capability.PORTAL_*)``
then hold that one client's rows and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation

from rapport.clients.models import Client
from rapport.core.access import Capability, can, portal_role
from rapport.portal.models import PortalAccount

SESSION_ACCOUNT = "rapport.portal_account"


class PortalSessionMiddleware:
    """Mark the user of a portal session with the account's role and client."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.portal_account = None
        key = request.session.get(SESSION_ACCOUNT) if request.user.is_authenticated else None
        if key is not None:
            account = (
                PortalAccount.objects.may_sign_in()
                .select_related("client", "clinic")
                .filter(pk=key, user_id=request.user.pk)
                .first()
            )
            if account is None:  # revoked, or its client archived, since signing in
                logout(request)
            else:
                request.user.portal_role = account.role
                request.user.portal_client_id = account.client_id
                request.portal_account = account
                request.LANGUAGE_CODE = account.language
                # For this request only: the thread serves other people next.
                with translation.override(account.language):
                    return self.get_response(request)
        return self.get_response(request)


def portal_view(capability: Capability = Capability.PORTAL_SHARED) -> Callable:
    """Declare the one portal capability a portal view needs.

    Anyone without a portal session is sent to the portal's sign-in page; a portal
    role without the capability (a guardian on a client-only page) gets 403.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if portal_role(request.user) is None:
                return redirect_to_login(
                    request.get_full_path(), login_url=reverse("portal:sign_in")
                )
            if not can(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_capability = capability  # read by the authorization matrix test
        return wrapped

    return decorator


def portal_client(request: HttpRequest, capability: Capability) -> Client:
    """The one client this portal session may see, through the access layer."""
    return Client.objects.visible_to(request.user, capability).select_related("clinic").get()
