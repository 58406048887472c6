from __future__ import annotations

import time
import zoneinfo
from collections.abc import Callable
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from rapport.core import audit, needs_action

SESSION_STARTED = "rapport.started_at"
SESSION_SEEN = "rapport.seen_at"
# A sign-in may set its own absolute limit and sign-in page (the portal's are 4 h and its own).
SESSION_ABSOLUTE = "rapport.absolute_seconds"
SESSION_SIGN_IN_URL = "rapport.sign_in_url"
BACKGROUND_HEADER = "HTTP_X_RAPPORT_BACKGROUND"


def is_background(request: HttpRequest) -> bool:
    """Autosave and polling send this header: they must not keep a session alive."""
    return request.META.get(BACKGROUND_HEADER) == "1"


class NoStoreForSignedInMiddleware:
    """``Cache-Control: no-store, private`` on every answer to a signed-in person.

    One place for every page, redirect and refusal: any of them may carry personal
    data, which must not stay in a browser's or a proxy's cache after sign-out.
    Checked before and after the view, so the answers to sign-in and sign-out count.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        if signed_in or request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


class SessionTimeoutMiddleware:
    """Idle (15 min) and absolute (12 h; 4 h in the portal) session limits, on the server."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.setdefault(SESSION_STARTED, now)
            seen = request.session.get(SESSION_SEEN, started)
            idle = now - seen > settings.RAPPORT_SESSION_IDLE_SECONDS
            limit = request.session.get(SESSION_ABSOLUTE, settings.RAPPORT_SESSION_ABSOLUTE_SECONDS)
            too_old = now - started > limit
            if idle or too_old:
                return self._expire(request, reason="idle" if idle else "absolute")
            if not is_background(request):
                request.session[SESSION_SEEN] = now
            if request.method == "POST":
                needs_action.forget(request)  # the user's own act may change what needs action
        return self.get_response(request)

    def _expire(self, request: HttpRequest, reason: str) -> HttpResponse:
        audit.record(request, f"core.session.expired_{reason}")
        sign_in_url = request.session.get(SESSION_SIGN_IN_URL)
        logout(request)  # flushes the server-side session
        if is_background(request):
            return HttpResponse(status=401)
        messages.info(request, _("You were signed out after a period of inactivity."))
        return redirect_to_login(request.get_full_path(), login_url=sign_in_url)


class TimeZoneMiddleware:
    """Show times in the user's zone, else their clinic's; storage stays UTC."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        name = ""
        if user.is_authenticated:
            name = user.time_zone or (user.clinic.time_zone if user.clinic_id else "")
        if name:
            timezone.activate(zoneinfo.ZoneInfo(name))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


DENIED_ACTIONS = {403: "core.access.forbidden", 404: "core.access.not_found"}


class DeniedAccessAuditMiddleware:
    """Record a signed-in user's 403 or 404 on any of the application's pages.

    The view ran in its own transaction (ATOMIC_REQUESTS), which the refusal
    rolled back together with anything it wrote; this event is written after,
    on its own, so attempts on records outside a user's reach stay on file.
    Only routed URLs count: the URL's name and opaque id, never its query.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        action = DENIED_ACTIONS.get(response.status_code)
        match = getattr(request, "resolver_match", None)
        if action and match is not None and request.user.is_authenticated:
            audit.record(
                request,
                action,
                object_type=f"url:{match.view_name}"[:100],
                object_id=next((str(v) for v in match.kwargs.values() if isinstance(v, UUID)), ""),
            )
        return response
