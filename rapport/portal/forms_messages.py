from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.portal.messaging import LONGEST


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=LONGEST,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write your message before sending it.")},
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply to the client"),
        max_length=LONGEST,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The client gets an e-mail saying there is a new message, without its text."),
        error_messages={"required": _("Write the reply before sending it.")},
    )
