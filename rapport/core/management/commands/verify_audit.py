from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rapport.core.audit import verify_chain
from rapport.core.models import AuditEvent


class Command(BaseCommand):
    help = "Check the audit log's hash chains; report edited, deleted or reordered rows."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = list(verify_chain())
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(f"Audit log FAILED verification: {len(problems)} problem(s).")
        total = AuditEvent.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Audit log intact: {total} events verified."))
        chains = AuditEvent.objects.order_by().values_list("clinic_id", flat=True).distinct()
        for clinic_id in chains:
            head = AuditEvent.objects.filter(clinic_id=clinic_id).order_by("-seq").first()
            # Operators record these heads off-site: a truncated tail then shows too.
            self.stdout.write(f"chain {clinic_id or '-'}: {head.seq} events, head {head.hash}")
