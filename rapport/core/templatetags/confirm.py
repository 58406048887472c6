"""``{% confirm_field question %}``: the hidden field that makes a form confirm first."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from rapport.core.confirm import CONFIRM_FIELD, sign_question

register = template.Library()


@register.simple_tag
def confirm_field(question: str) -> SafeString:
    """Put inside a form whose tag (or submit button) carries data-confirm="{{ question }}"."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', CONFIRM_FIELD, sign_question(question)
    )


@register.simple_tag
def confirm_value(question: str) -> str:
    """The signed question for a submit button that alone confirms (name="_confirm")."""
    return sign_question(question)
