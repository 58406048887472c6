from __future__ import annotations

import base64
from typing import Any

from django.core.management.base import BaseCommand
from django_otp.oath import totp

from rapport.core.management.commands.seed_demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current two-step code of the demo accounts (demo only)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{totp(base64.b32decode(DEMO_TOTP_SECRET)):06d}")
