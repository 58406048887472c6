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
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

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
        ("", "choose_language"),
    }
)


# Read-only public pages set no cookie until the visitor asks for something, so their
# switch is a GET form (``choose_language``); pages with a form post to set_language.
COOKIE_FREE: frozenset[tuple[str, str]] = frozenset({("intake", "home"), ("intake", "page")})


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
        match = request.resolver_match
        request.language_switch_by_link = (match.namespace, match.url_name) in COOKIE_FREE
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


def choose_language(request: HttpRequest) -> HttpResponse:
    """The switch of the read-only public pages: remember the language the visitor
    pressed (a preference, nothing else) and go back to where they were.

    Those pages carry no CSRF token (so no cookie until asked); a language is the
    only thing this changes, and only a language Rapport speaks.
    """
    language = request.GET.get("language", "")
    wanted = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    response = HttpResponseRedirect(wanted if safe and wanted.startswith("/") else "/")
    if language in {code for code, _name in settings.LANGUAGES}:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response
