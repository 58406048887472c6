"""Break-glass: a clinician's emergency, time-boxed, read-only access to one client.

The grant lives in ``BreakGlassGrant``; the access layer honours it through
``rapport.core.access.granted_clients``, fed by ``BreakGlassMiddleware``:

* the session that opened a grant carries its id, so other sessions (and every
  request of clinicians who never broke glass) cost no extra query;
* grants are attached on safe methods (GET, HEAD) only: under break-glass a
  clinician reads, and every write answers 404 as it did before;
* and only to pages addressed by an id (a client, an episode, a note…): lists,
  calendars and dashboards stay as the role table draws them;
* each page that reads the granted client (it records a read of that client in
  the audit log, as every clinical page does) adds one ``clients.break_glass.view``
  event and counts towards the grant's ``pages_viewed``.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.db.models import F
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from rapport.clients.models import BREAK_GLASS_DURATION, BreakGlassGrant, Client
from rapport.core import audit
from rapport.core.access import Capability, may_break_glass
from rapport.core.models import AuditEvent, Role, User
from rapport.core.outbox import queue_email

SESSION_KEY = "break_glass_grants"
VIEW_ACTION = "clients.break_glass.view"
ALERT_EMAIL = "clients/emails/break_glass_opened"
SAFE_METHODS = ("GET", "HEAD")
# What a request under a grant loads of it: enough to scope, audit and name the client.
GRANT_COLUMNS = (
    "id",
    "public_id",
    "clinic_id",
    "expires_at",
    "client__id",
    "client__public_id",
    "client__given_name",
    "client__family_name",
    "client__preferred_name",
)

# The granted clients' audit subjects read during the current request (public id → grant).
_watched: contextvars.ContextVar[dict[uuid.UUID, BreakGlassGrant] | None] = contextvars.ContextVar(
    "break_glass_watched", default=None
)
_touched: contextvars.ContextVar[set[int] | None] = contextvars.ContextVar(
    "break_glass_touched", default=None
)


def open_grant(request: HttpRequest, client: Client, reason: str) -> BreakGlassGrant:
    """Open the grant, remember it in this session, audit it and alert the clinic admins."""
    now = timezone.now()
    grant = BreakGlassGrant.objects.create(
        client=client,
        user=request.user,
        reason=reason,
        opened_at=now,
        expires_at=now + BREAK_GLASS_DURATION,
    )
    grant.client = client
    request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, []), str(grant.public_id)]
    audit.record(request, "clients.break_glass.opened", grant, fields=["reason"])
    alert_admins(grant)
    return grant


def end_grant(request: HttpRequest, grant: BreakGlassGrant) -> bool:
    """End an open grant now; False if it had already ended or expired."""
    now = timezone.now()
    ended = (
        BreakGlassGrant.objects.active(now)
        .filter(pk=grant.pk)
        .update(ended_at=now, ended_by=request.user)
    )
    if ended:
        audit.record(request, "clients.break_glass.ended", grant)
    return bool(ended)


def clinic_admins(clinic_id: int) -> list[User]:
    return list(
        User.objects.filter(
            clinic_id=clinic_id, is_active=True, staff_roles__role=Role.CLINIC_ADMIN
        ).distinct()
    )


def review_link(grant: BreakGlassGrant) -> str:
    """The review page: an opaque id only, no name, no reason."""
    return settings.RAPPORT_BASE_URL + reverse("clients:break_glass_review", args=[grant.public_id])


def alert_admins(grant: BreakGlassGrant) -> None:
    """E-mail every clinic admin at once (the dashboard shows open grants too)."""
    link = review_link(grant)
    for admin in clinic_admins(grant.clinic_id):
        if admin.email:
            queue_email(ALERT_EMAIL, to=admin.email, context={"link": link}, clinic=grant.clinic)


def beyond_reach(user: Any, client: Client, capability: Capability) -> bool:
    """Whether ``client`` lies outside what the role table alone gives ``user``."""
    within = Client.objects.visible_to(user, capability, break_glass=False)
    return not within.filter(pk=client.pk).exists()


def only_through_grant(user: Any, client_id: int) -> bool:
    """Whether the user reaches this client only by break-glass (process notes stay shut)."""
    if client_id not in getattr(user, "break_glass_clients", ()):
        return False
    within = Client.objects.visible_to(user, Capability.VIEW_CLINICAL, break_glass=False)
    return not within.filter(pk=client_id).exists()


def _active_grants(request: HttpRequest) -> list[BreakGlassGrant]:
    """This session's open grants; forgets the session's list once none is open."""
    opened = request.session.get(SESSION_KEY)
    if not opened:
        return []
    grants = list(
        BreakGlassGrant.objects.active()
        .filter(user=request.user, public_id__in=opened)
        .select_related("client")
        .only(*GRANT_COLUMNS)
    )
    if not grants:
        del request.session[SESSION_KEY]
    return grants


class BreakGlassMiddleware:
    """Attaches this session's open grants to the user, and audits pages read under them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        grants = self._grants_for(request)
        if not grants:
            return self.get_response(request)
        request.break_glass = grants
        watched = _watched.set({g.client.public_id: g for g in grants})
        touched = _touched.set(set())
        try:
            response = self.get_response(request)
            read = _touched.get() or set()
        finally:
            _watched.reset(watched)
            _touched.reset(touched)
        for grant in grants:
            if grant.pk in read:
                _record_view(request, grant)
        return response

    @staticmethod
    def process_view(
        request: HttpRequest, view: Callable, args: tuple, kwargs: dict[str, Any]
    ) -> None:
        """Open the granted clients to pages addressed by an id only: lists, calendars
        and dashboards stay as the role table draws them."""
        grants = getattr(request, "break_glass", None)
        if grants and kwargs:
            request.user.break_glass_clients = frozenset(g.client.pk for g in grants)

    @staticmethod
    def _grants_for(request: HttpRequest) -> list[BreakGlassGrant]:
        if request.method not in SAFE_METHODS or SESSION_KEY not in request.session:
            return []
        if not may_break_glass(request.user):
            return []
        return _active_grants(request)


def _record_view(request: HttpRequest, grant: BreakGlassGrant) -> None:
    match = request.resolver_match
    page = [match.view_name] if match is not None else []
    audit.record(request, VIEW_ACTION, grant, fields=page)
    BreakGlassGrant.objects.filter(pk=grant.pk).update(pages_viewed=F("pages_viewed") + 1)


@receiver(user_logged_out, dispatch_uid="break_glass_signed_out")
def _end_on_sign_out(sender: type, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """The session's grants die with it (sign-out or idle logoff): the review says so."""
    opened = request.session.get(SESSION_KEY) if request is not None else None
    if not opened or user is None:
        return
    now = timezone.now()
    grants = BreakGlassGrant.objects.active(now).filter(user=user, public_id__in=opened)
    grants.update(ended_at=now, ended_by=user)


@receiver(post_save, sender=AuditEvent, dispatch_uid="break_glass_read")
def _note_read(sender: type, instance: AuditEvent, created: bool, **kwargs: Any) -> None:
    """A page recorded a read of a granted client: that page was viewed under break-glass."""
    watched = _watched.get()
    if not created or not watched or instance.action.startswith("clients.break_glass."):
        return
    grant = watched.get(instance.subject_id)  # type: ignore[arg-type]
    touched = _touched.get()
    if grant is not None and touched is not None:
        touched.add(grant.pk)
