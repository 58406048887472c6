"""Between-session practice assigned from the session note (portal)."""

import uuid

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import rapport.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("ipt", "0006_portal_plan"),
        ("core", "0008_audit_log_filter_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PracticeAssignment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("mood", "Daily mood rating"),
                            ("communication", "Communication-analysis worksheet"),
                            ("role_play", "Role-play preparation"),
                        ],
                        max_length=20,
                        verbose_name="practice",
                    ),
                ),
                (
                    "instruction",
                    rapport.core.fields.EncryptedTextField(
                        blank=True, default="", verbose_name="instruction for the client"
                    ),
                ),
                ("assigned_at", models.DateTimeField()),
                ("ended_at", models.DateTimeField(blank=True, null=True)),
                (
                    "assigned_by",
                    models.ForeignKey(
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
                    "ended_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "episode",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="practice",
                        to="ipt.episode",
                    ),
                ),
                (
                    "note",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="practice",
                        to="ipt.sessionnote",
                    ),
                ),
            ],
            options={
                "ordering": ["episode", "kind"],
            },
        ),
        migrations.CreateModel(
            name="PracticeEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("mood", "Daily mood rating"),
                            ("communication", "Communication-analysis worksheet"),
                            ("role_play", "Role-play preparation"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "mood",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[django.core.validators.MaxValueValidator(10)],
                    ),
                ),
                ("answers", rapport.core.fields.EncryptedJSONField(default=dict)),
                ("created_at", models.DateTimeField()),
                ("alerted", models.BooleanField(default=False)),
                (
                    "assignment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="entries",
                        to="ipt.practiceassignment",
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
                        related_name="+",
                        to="ipt.episode",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.AddConstraint(
            model_name="practiceassignment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("ended_at__isnull", True)),
                fields=("episode", "kind"),
                name="one_current_practice_per_kind",
            ),
        ),
        migrations.AddIndex(
            model_name="practiceentry",
            index=models.Index(fields=["episode", "created_at"], name="practice_entry_window"),
        ),
    ]
