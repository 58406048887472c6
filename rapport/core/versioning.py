"""Optimistic concurrency: write only if nobody saved since the editor loaded the row."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from rapport.core.fields import sealed


def update_if_current(
    queryset: models.QuerySet, row: models.Model, version: int | None, **values: Any
) -> bool:
    """Apply ``values`` to ``row`` and bump ``version`` in one conditional UPDATE.

    Encrypted values are sealed for ``row`` (an UPDATE skips the fields' ``pre_save``).

    False means the row moved on (another tab or person saved): nothing was written,
    and the caller shows a conflict instead of overwriting.
    """
    if version is None:
        return False
    updated = queryset.filter(pk=row.pk, version=version).update(
        version=F("version") + 1, **sealed(row, **values)
    )
    return updated == 1


class VersionedForm(forms.ModelForm):
    """A form for a row with a ``version``: a save never overwrites someone else's.

    The version the editor loaded travels in a hidden field; ``clean`` and then
    ``save_if_current`` (in SQL) refuse the write when the row moved on.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    stale_message = _(
        "Someone else changed this record while you were editing. Your changes are still in "
        "the form: open the record in another tab to see theirs, then save again."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["version"] = self.instance.version

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.instance.pk and data.get("version") != self.instance.version:
            self.rebase()
            raise forms.ValidationError(self.stale_message, code="stale")
        return data

    def rebase(self) -> None:
        """After a conflict, carry the current version: the user has now seen the
        warning, so saving again deliberately applies what they typed."""
        current = type(self.instance).objects.filter(pk=self.instance.pk).values("version")
        self.data = self.data.copy()
        self.data["version"] = str(current.first()["version"])

    def changed_fields(self) -> list[str]:
        """The model fields the editor changed (never the version itself)."""
        return [name for name in self.changed_data if name != "version"]

    def save_if_current(self, **extra: Any) -> bool:
        """Write the changed fields (and ``extra``) only if the row is as the editor saw it."""
        instance = self.instance
        saved = update_if_current(
            type(instance)._base_manager,
            instance,
            self.cleaned_data["version"],
            **{name: getattr(instance, name) for name in self.changed_fields()},
            **extra,
        )
        if not saved:
            self.rebase()
            self.add_error(None, forms.ValidationError(self.stale_message, code="stale"))
        return saved
