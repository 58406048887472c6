from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("ipt", "0004_rows_carry_their_clinic")]

    operations = []
