"""Every clinic-scoped row carries its clinic (the distribution column for sharding).

Added nullable, filled from each row's parent (parents first), then required.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

# (model, parent foreign key, parent model): parents are filled before their children.
FILL_ORDER = [
    ("scheduledmeasure", "client", "clients.client"),
    ("invitation", "client", "clients.client"),
    ("alertnotification", "alert", "measures.safetyalert"),
    ("outcomeflag", "client", "clients.client"),
]


def fill_from_parents(apps, schema_editor):
    for model_name, parent, parent_label in FILL_ORDER:
        model = apps.get_model("measures", model_name)
        parents = apps.get_model(parent_label).objects.filter(pk=OuterRef(f"{parent}_id"))
        model.objects.update(clinic_id=Subquery(parents.values("clinic_id")[:1]))


def _clinic(null):
    return models.ForeignKey(
        editable=False,
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="core.clinic",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0004_claims_oldest_due_first"),
        ("core", "0004_claims_oldest_due_first"),
    ]

    operations = [
        *(
            migrations.AddField(model_name=name, name="clinic", field=_clinic(null=True))
            for name, _parent, _label in FILL_ORDER
        ),
        migrations.RunPython(fill_from_parents, migrations.RunPython.noop),
        *(
            migrations.AlterField(model_name=name, name="clinic", field=_clinic(null=False))
            for name, _parent, _label in FILL_ORDER
        ),
    ]
