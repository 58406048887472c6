"""Confirmation before destructive or irreversible acts, with or without JavaScript.

A form that needs confirming carries ``data-confirm`` (the question) and, from the
``{% confirm_field %}`` tag, a hidden ``_confirm`` field holding the same question,
signed. With JavaScript, rapport.js asks in an accessible ``<dialog>`` and adds
``_confirmed=1`` before submitting. Without JavaScript the post arrives without
``_confirmed``: this middleware answers with a confirmation page that posts the
same fields again, confirmed. The question is signed so that a page can only ask
what one of our templates wrote.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

CONFIRM_FIELD = "_confirm"
CONFIRMED_FIELD = "_confirmed"
_SALT = "rapport.confirm"
_FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
_NOT_REPOSTED = {"csrfmiddlewaretoken", CONFIRM_FIELD, CONFIRMED_FIELD}


def sign_question(question: str) -> str:
    """The value of the hidden ``_confirm`` field for this question."""
    return signing.Signer(salt=_SALT).sign(str(question))


def read_question(value: str) -> str | None:
    """The question a ``_confirm`` field asks, or None if it was not ours."""
    try:
        return signing.Signer(salt=_SALT).unsign(value)
    except signing.BadSignature:
        return None


def _cancel_url(request: HttpRequest) -> str:
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return "/"


class ConfirmFirstMiddleware:
    """Ask on a page when a post that needs confirming arrives unconfirmed (no JavaScript)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., HttpResponse], args: tuple, kwargs: dict
    ) -> HttpResponse | None:
        # Runs after the CSRF check; the view itself still decides who may act.
        if request.method != "POST" or request.content_type not in _FORM_TYPES:
            return None
        user = request.user
        if not (user.is_authenticated and getattr(user, "is_verified", lambda: True)()):
            return None
        if request.POST.get(CONFIRMED_FIELD) == "1":
            return None
        question = read_question(request.POST.get(CONFIRM_FIELD, ""))
        if question is None:
            return None
        fields = [
            (name, value)
            for name, values in request.POST.lists()
            if name not in _NOT_REPOSTED
            for value in values
        ]
        context = {
            "question": question,
            "fields": fields,
            "action": request.get_full_path(),
            "cancel_url": _cancel_url(request),
        }
        return render(request, "core/confirm.html", context)
