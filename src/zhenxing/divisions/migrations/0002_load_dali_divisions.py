"""Ship the Dali division tree (NBS 2023) with the schema, so a fresh database is usable at once.

Uses the same reader and upsert as `zhenxing divisions load`, on the historical model.
"""

from pathlib import Path

from django.conf import settings
from django.db import migrations


def load(apps, schema_editor):
    from zhenxing.divisions.loading import read_rows, upsert_rows

    Division = apps.get_model("divisions", "Division")
    rows = read_rows(Path(settings.ZHENXING_DATA_DIR) / "dali_divisions.csv")
    upsert_rows(Division.objects.using(schema_editor.connection.alias).model, rows)


class Migration(migrations.Migration):
    dependencies = [("divisions", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
