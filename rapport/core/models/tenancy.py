"""The clinic key on every clinic-scoped row (the distribution column when sharding).

A row that belongs to a parent (a note to its episode, a reminder to its
appointment) copies the parent's clinic when it is first saved or bulk-created,
so no caller has to pass it and it cannot disagree with the parent.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from django.db import models


class ClinicKeyedQuerySet(models.QuerySet):
    def bulk_create(self, objs: Iterable[models.Model], *args: Any, **kwargs: Any) -> list:
        objs = list(objs)
        for obj in objs:
            if isinstance(obj, ClinicKeyed):
                obj.take_parent_clinic()
        return super().bulk_create(objs, *args, **kwargs)


class ClinicKeyed(models.Model):
    """Carries ``clinic``, taken from the row named by ``clinic_from``."""

    clinic = models.ForeignKey(
        "core.Clinic", on_delete=models.PROTECT, related_name="+", editable=False
    )

    clinic_from: ClassVar[str]  # the foreign key whose row holds this row's clinic

    objects = ClinicKeyedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.take_parent_clinic()
        super().save(*args, **kwargs)

    def take_parent_clinic(self) -> None:
        if self.clinic_id is None:
            self.clinic_id = getattr(self, self.clinic_from).clinic_id
