from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("clients", "0002_break_glass")]

    operations = []
