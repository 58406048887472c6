"""Intake paperwork: versioned clinic documents and their signatures (portal)."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0003_ciphertext_bound_to_row"),
        ("core", "0008_audit_log_filter_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="IntakeDocument",
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
                            ("consent_to_treatment", "Consent to treatment"),
                            ("privacy_notice", "Privacy notice"),
                            ("telehealth_consent", "Telehealth consent"),
                        ],
                        max_length=32,
                        verbose_name="document",
                    ),
                ),
                ("version", models.PositiveSmallIntegerField(verbose_name="version")),
                ("title", models.CharField(max_length=120, verbose_name="title")),
                ("body", models.TextField(verbose_name="text")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "clinic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.clinic",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["kind", "-version"],
            },
        ),
        migrations.CreateModel(
            name="DocumentSignature",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("typed_name", models.CharField(max_length=200, verbose_name="full name")),
                ("signed_on", models.DateField(verbose_name="date")),
                ("signed_at", models.DateTimeField()),
                ("pdf", models.BinaryField()),
                ("pdf_sha256", models.CharField(editable=False, max_length=64)),
                (
                    "client",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="document_signatures",
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
                    "signed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "document",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="clients.intakedocument",
                    ),
                ),
            ],
            options={
                "ordering": ["-signed_at", "-pk"],
            },
        ),
        migrations.AddConstraint(
            model_name="intakedocument",
            constraint=models.UniqueConstraint(
                fields=("clinic", "kind", "version"), name="one_intake_document_version"
            ),
        ),
        migrations.AddConstraint(
            model_name="documentsignature",
            constraint=models.UniqueConstraint(
                fields=("client", "document"), name="one_signature_per_version"
            ),
        ),
    ]
