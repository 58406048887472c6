"""``{% client_header client active %}``: the record's header and tabs (``rapport.clients.hub``)."""

from __future__ import annotations

from typing import Any

from django import template

from rapport.clients import hub

register = template.Library()


@register.inclusion_tag("clients/_header.html", takes_context=True)
def client_header(context: template.Context, client: Any, active: str) -> dict[str, Any]:
    return {**hub.header(context["request"], client), "active": active}
