"""The self-screen moves from the request's own columns to a measures response.

Each stored self-screen becomes a Response (mode self_screen, the request's public
id as its subject, dated when the request came in), attached to the client when
the request was already converted. A positive item 9 never had its safety alert
(safety.md §5.1): one is raised now, owned by the client's therapist or, before
conversion, held by intake, and due to escalate at once.
"""

from django.db import migrations
from django.utils import timezone

ITEM = "q9"


def screens_to_responses(apps, schema_editor):
    Request = apps.get_model("intake", "ConsultationRequest")
    Response = apps.get_model("measures", "Response")
    SafetyAlert = apps.get_model("measures", "SafetyAlert")
    now = timezone.now()
    screened = Request.objects.filter(screen_answers__isnull=False).select_related("client")
    for request in screened.iterator():
        if Response.objects.filter(subject_id=request.public_id).exists():
            continue
        response = Response.objects.create(
            clinic_id=request.clinic_id,
            client_id=request.client_id,
            subject_id=request.public_id,
            instrument="phq9",
            instrument_version="1",
            answers=request.screen_answers,
            total=request.screen_total,
            band=request.screen_band,
            mode="self_screen",
            submitted_at=request.created_at,
        )
        value = request.screen_answers.get(ITEM) or 0
        if value < 1:
            continue
        SafetyAlert.objects.create(
            clinic_id=request.clinic_id,
            client_id=request.client_id,
            subject_id=request.public_id,
            response=response,
            instrument="phq9",
            item=ITEM,
            value=value,
            severity="critical" if value >= 2 else "urgent",
            owner_id=request.client.assigned_therapist_id if request.client else None,
            created_at=now,
            escalate_at=now,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0001_initial"),
        ("measures", "0002_person_rows_safety_plan"),
    ]

    operations = [
        migrations.RunPython(screens_to_responses, migrations.RunPython.noop),
        migrations.RemoveField(model_name="consultationrequest", name="screen_answers"),
        migrations.RemoveField(model_name="consultationrequest", name="screen_band"),
        migrations.RemoveField(model_name="consultationrequest", name="screen_total"),
    ]
