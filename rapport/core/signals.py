"""Sign-in events go to the audit log; the session clock starts at sign-in."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from rapport.core import audit
from rapport.core.middleware import SESSION_SEEN, SESSION_STARTED


@receiver(user_logged_in)
def on_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    now = time.time()
    request.session[SESSION_STARTED] = now
    request.session[SESSION_SEEN] = now
    audit.record(request, "core.login.password_ok", user, actor=user)


@receiver(user_logged_out)
def on_logout(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(request, "core.logout", user, actor=user)


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict, request: HttpRequest, **kwargs: Any) -> None:
    # The attempted username is not logged: it may be a client's e-mail or a typo'd password.
    audit.record(request, "core.login.failed")
