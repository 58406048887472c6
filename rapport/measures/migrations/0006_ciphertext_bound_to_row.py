from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("measures", "0005_rows_carry_their_clinic")]

    operations = []
