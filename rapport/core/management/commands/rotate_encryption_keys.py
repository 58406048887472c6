"""Re-encrypt clinical text (free text and questionnaire answers) under the first (active)
key, in batches, each value still bound to its row."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.db.models.functions import Cast
from tqdm import tqdm

from rapport.core.crypto import keyring
from rapport.core.fields import IDENTITY, EncryptedTextField, sealed


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.fields if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


def stale_rows(model: type[models.Model], names: list[str]) -> models.QuerySet:
    """Rows with any field not under the active key (compared on the raw column)."""
    prefix = keyring().active_prefix
    raw = {f"raw_{name}": Cast(name, models.TextField()) for name in names}
    stale = models.Q()
    for name in names:
        stale |= ~models.Q(**{f"raw_{name}": ""}) & ~models.Q(**{f"raw_{name}__startswith": prefix})
    return model._base_manager.annotate(**raw).filter(stale).order_by("pk")


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field under the active key (the first in "
        "RAPPORT_ENCRYPTION_KEYS). Safe to interrupt and run again."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        batch = options["batch_size"]
        total = 0
        for model, names in encrypted_fields():
            queryset = stale_rows(model, names)
            count = queryset.count()
            if not count:
                continue
            # The raw stream: OutputWrapper would end every "\r" redraw of the bar with "\n".
            progress = self.stderr._out
            with tqdm(total=count, desc=model._meta.label, unit="row", file=progress) as bar:
                while pks := list(queryset.values_list("pk", flat=True)[:batch]):
                    self._rotate_batch(model, names, pks)
                    bar.update(len(pks))
            total += count
        self.stdout.write(
            self.style.SUCCESS(f"Re-encrypted {total} row(s) under key {keyring().active_id}.")
        )

    @staticmethod
    def _rotate_batch(model: type[models.Model], names: list[str], pks: list[Any]) -> None:
        with transaction.atomic():
            # Locked until commit: an edit saved meanwhile must not be overwritten.
            rows = model._base_manager.select_for_update().filter(pk__in=pks)
            for row in rows.only("pk", IDENTITY, *names):
                # Loading opens each value with whichever key wrote it; sealing uses the
                # active key, bound to the same row.
                values = sealed(row, **{n: getattr(row, n) for n in names})
                model._base_manager.filter(pk=row.pk).update(**values)
