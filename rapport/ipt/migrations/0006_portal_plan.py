"""Client-facing plan: the shared formulation summary and the contract's acknowledgement (portal)."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import rapport.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("ipt", "0005_ciphertext_bound_to_row"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="contract",
            name="portal_acknowledged_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="client acknowledged in the portal"
            ),
        ),
        migrations.AddField(
            model_name="contract",
            name="portal_acknowledged_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="episode",
            name="guardian_sees_contract",
            field=models.BooleanField(default=False, verbose_name="the treatment contract"),
        ),
        migrations.AddField(
            model_name="episode",
            name="guardian_sees_safety_plan",
            field=models.BooleanField(default=False, verbose_name="the safety plan"),
        ),
        migrations.AddField(
            model_name="episode",
            name="guardian_sees_summary",
            field=models.BooleanField(default=False, verbose_name="the summary for the client"),
        ),
        migrations.AddField(
            model_name="goal",
            name="shared_with_guardian",
            field=models.BooleanField(default=False),
        ),
        migrations.CreateModel(
            name="ClientSummary",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("version", models.PositiveSmallIntegerField()),
                (
                    "text",
                    rapport.core.fields.EncryptedTextField(
                        blank=True, default="", verbose_name="summary for the client"
                    ),
                ),
                ("written_at", models.DateTimeField()),
                ("approved_at", models.DateTimeField(blank=True, null=True)),
                (
                    "approved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
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
                    "episode",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="summaries",
                        to="ipt.episode",
                    ),
                ),
                (
                    "written_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-version"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("episode", "version"), name="one_summary_version"
                    )
                ],
            },
        ),
    ]
