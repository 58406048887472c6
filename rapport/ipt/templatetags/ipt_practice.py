"""The note page's practice panels: ``{% load ipt_practice %}``.

``{% practice_review %}`` is the opening review of the client's entries since the
last session; ``{% practice_assign %}`` the "Assign practice before next session"
control with what is assigned now. Both read ``note``, ``request`` and ``can_edit``
from the note page's context.
"""

from __future__ import annotations

from typing import Any

from django import template

from rapport.ipt.forms.practice import AssignPracticeForm
from rapport.ipt.views.practice import opening_review

register = template.Library()


@register.inclusion_tag("ipt/practice/_review.html", takes_context=True)
def practice_review(context: template.Context) -> dict[str, Any]:
    return opening_review(context["request"], context["note"])


@register.inclusion_tag("ipt/practice/_assign.html", takes_context=True)
def practice_assign(context: template.Context) -> dict[str, Any]:
    note = context["note"]
    current = note.episode.practice.current().select_related("note").order_by("kind")
    may_assign = bool(context.get("can_edit")) and note.episode.status == "active"
    return {
        "note": note,
        "current": list(current),
        "form": AssignPracticeForm(prefix="practice") if may_assign else None,
        "csrf_token": context.get("csrf_token"),
        "request": context["request"],
    }
