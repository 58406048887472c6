from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("intake", "0004_rows_carry_their_clinic")]

    operations = []
