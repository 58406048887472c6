"""The clinic admin edits the public site's pages (their own clinic's only)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rapport.core import audit
from rapport.core.access import Capability, requires
from rapport.intake import services
from rapport.intake.forms import PublicPageForm


@requires(Capability.MANAGE_CLINIC)
def page_list(request: HttpRequest) -> HttpResponse:
    pages = services.pages_for(request.user.clinic)
    return render(request, "intake/public/page_list.html", {"pages": pages})


@requires(Capability.MANAGE_CLINIC)
def page_edit(request: HttpRequest, slug: str) -> HttpResponse:
    pages = services.pages_for(request.user.clinic)
    page = next((p for p in pages if p.slug == slug), None)
    if page is None:
        raise Http404
    form = PublicPageForm(request.POST or None, instance=page)
    if request.method == "POST" and form.is_valid():
        if form.has_changed():
            form.save()
            audit.record(request, "intake.page.updated", page, fields=form.changed_data)
        messages.success(request, _("Page saved. It is now on the public site."))
        return redirect("intake:page_list")
    return render(request, "intake/public/page_edit.html", {"form": form, "page": page})
