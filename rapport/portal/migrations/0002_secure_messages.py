"""Secure messages between a client and the care team."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import rapport.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PortalSettings",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "messages_enabled",
                    models.BooleanField(
                        default=False,
                        verbose_name="clients may send secure messages to their therapist",
                    ),
                ),
                (
                    "clinic",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="portal_settings",
                        to="core.clinic",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Message",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                (
                    "sender",
                    models.CharField(
                        choices=[("client", "Client"), ("care_team", "Care team")], max_length=10
                    ),
                ),
                (
                    "body",
                    rapport.core.fields.EncryptedTextField(
                        blank=True, default="", verbose_name="message"
                    ),
                ),
                ("created_at", models.DateTimeField()),
                ("read_at", models.DateTimeField(blank=True, null=True)),
                ("alerted", models.BooleanField(default=False)),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "client",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="clients.client",
                    ),
                ),
                (
                    "clinic",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.clinic",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(fields=["client", "created_at"], name="message_thread"),
                    models.Index(
                        condition=models.Q(("read_at__isnull", True)),
                        fields=["client", "sender"],
                        name="message_unread",
                    ),
                ],
            },
        ),
    ]
