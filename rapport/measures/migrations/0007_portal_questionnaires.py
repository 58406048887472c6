"""Questionnaires in the portal: the score-history setting and the maintenance self-check."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import rapport.measures.models


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0006_ciphertext_bound_to_row"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="measuressettings",
            name="portal_score_history",
            field=models.BooleanField(
                default=False,
                verbose_name="clients see their own score history in the portal",
            ),
        ),
        migrations.AlterField(
            model_name="response",
            name="mode",
            field=models.CharField(
                choices=[
                    ("remote", "Completed by the client (remote link)"),
                    ("in_session", "Entered in session by the clinician"),
                    ("clinician", "Clinician-rated"),
                    ("self_screen", "Self-screen with the consultation request"),
                    ("portal", "Completed by the client in the portal"),
                ],
                max_length=12,
            ),
        ),
        migrations.CreateModel(
            name="SelfCheck",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("reasons", models.JSONField(blank=True, default=list)),
                ("created_at", models.DateTimeField(db_index=True)),
                ("seen_at", models.DateTimeField(blank=True, null=True)),
                ("booster_requested_at", models.DateTimeField(blank=True, null=True)),
                ("booster_handled_at", models.DateTimeField(blank=True, null=True)),
                (
                    "booster_handled_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "client",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="self_checks",
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
                (
                    "compared_with",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="measures.response",
                    ),
                ),
                (
                    "response",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="self_check",
                        to="measures.response",
                    ),
                ),
                (
                    "seen_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["-created_at", "-pk"]},
            bases=(rapport.measures.models.AboutClient, models.Model),
        ),
    ]
