"""Small wording filters, so pages read as sentences rather than developer output."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

register = template.Library()

_END_PUNCTUATION = ":?.!"


@register.filter
def label_colon(label: object) -> str:
    """A label introducing a message: "Name:", but "How should we contact you?" stays as it is.

    The same rule as Django's label_suffix, for the error summaries that join a field's
    label to its message by hand.
    """
    text = str(label)
    if text and text[-1] in _END_PUNCTUATION:
        return text
    return _("%(label)s:") % {"label": text}


@register.filter
def ago(moment: datetime | None) -> str:
    """ "just now" under a minute, otherwise "3 hours ago" (never "0 minutes ago")."""
    if moment is None:
        return ""
    if (timezone.now() - moment).total_seconds() < 60:
        return _("just now")
    return _("%(age)s ago") % {"age": timesince(moment, depth=1)}
