"""Between-session practice assigned from the session note (portal)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("ipt", "0006_portal_plan")]

    operations = []
