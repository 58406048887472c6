"""Clients confirm, cancel and ask to reschedule appointments in the portal."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0007_booking_confirmation")]

    operations = []
