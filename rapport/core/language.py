"""Which pages speak the reader's language, and which stay English (issue 11 item 10).

Client-facing pages (the public site and consultation form, questionnaire links, the
reminder reply page, the portal) follow the reader's choice: Django's language cookie,
set by the language switch (``set_language``), else the browser's preference, or what
the page itself knows (a questionnaire link: the client's stored preference, see
``prefer``). The portal's middleware activates the account's own language. Every
other page, staff pages and the staff sign-in included, is English for now.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

# (namespace, URL name) of client-facing pages; a namespace alone covers all its pages.
CLIENT_FACING: frozenset[tuple[str, str]] = frozenset(
    {
        ("intake", "home"),
        ("intake", "page"),
        ("intake", "consultation"),
        ("questionnaires", "form"),
        ("scheduling", "reminder_reply"),
        ("portal", "*"),
        ("", "set_language"),
    }
)


def is_client_facing(request: HttpRequest) -> bool:
    match = request.resolver_match
    if match is None:
        return False
    namespace = match.namespace or ""
    return (namespace, match.url_name) in CLIENT_FACING or (namespace, "*") in CLIENT_FACING


class StaffPagesInEnglishMiddleware:
    """Keep every page but the client-facing ones in English, whatever the cookie says.

    It also tells the layout to offer the language switch (``request.language_switch``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, *args: Any) -> None:
        request.language_switch = is_client_facing(request)
        if not request.language_switch:
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE


Lookup = Callable[..., str | None]


def prefer(lookup: Lookup) -> Callable:
    """Use ``lookup(request, *args, **kwargs)``'s language for a reader who has not chosen one.

    A questionnaire link opens in the client's stored language; the switch (which sets
    the language cookie) still wins.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
                return view(request, *args, **kwargs)
            language = lookup(request, *args, **kwargs)
            if not language:
                return view(request, *args, **kwargs)
            with translation.override(language):
                request.LANGUAGE_CODE = language
                response = view(request, *args, **kwargs)
            response.headers["Content-Language"] = language
            return response

        return wrapped

    return decorator
