"""The therapist's calendar feeds: create (URL shown once), revoke, and the feed itself."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from rapport.core import audit
from rapport.core.access import staff_required
from rapport.scheduling import feeds, ics
from rapport.scheduling.models import CalendarFeed


def _page(request: HttpRequest, *, new_url: str = "", status: int = 200) -> HttpResponse:
    mine = CalendarFeed.objects.filter(therapist=request.user).order_by("-created_at")
    context = {"feeds": list(mine), "new_url": new_url}
    return render(request, "scheduling/feeds/list.html", context, status=status)


@staff_required
def feed_list(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@staff_required
def feed_create(request: HttpRequest) -> HttpResponse:
    _feed, token = feeds.create(request.user)
    audit.record(request, "scheduling.feed.created", None, clinic=request.user.clinic)
    # Rendered, not redirected: the token exists only in this response.
    return _page(request, new_url=feeds.url_for(token))


@require_POST
@staff_required
def feed_revoke(request: HttpRequest) -> HttpResponse:
    try:
        feed_id = int(request.POST.get("feed", ""))
    except ValueError:
        feed_id = 0
    if feeds.revoke(request.user, feed_id):
        audit.record(request, "scheduling.feed.revoked", None, clinic=request.user.clinic)
        messages.success(request, _("Feed revoked: calendars using that address stop updating."))
    else:
        messages.info(request, _("That feed was already revoked."))
    return redirect("scheduling:feeds")


@never_cache
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """Public by token: initials only. Unknown and revoked tokens look the same (404)."""
    found = feeds.find(token)
    if found is None:
        raise Http404
    therapist = found.therapist
    body = ics.feed_ics(feeds.appointments(therapist), _("Rapport appointments"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="appointments.ics"'
    return response
