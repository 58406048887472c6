"""Ciphertext bound to its row: every encrypted value is resealed with the row's public_id
(rapport.core.fields); reversible (rapport.core.rebinding)."""

from django.db import migrations

from rapport.core.rebinding import rebind


class Migration(migrations.Migration):
    dependencies = [("core", "0006_audit_append_only")]

    operations = [rebind("core", {"outboundemail": ["recipient", "text_body", "html_body"]})]
