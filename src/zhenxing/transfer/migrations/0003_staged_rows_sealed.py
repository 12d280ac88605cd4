"""Staged rows are sealed: the plain JSON payload (health, disability, 低保/特困, income) becomes AES-GCM
ciphertext bound to its batch and row; rows staged before this migration are sealed in place."""

import json

from django.db import migrations, models


def seal_existing(apps, schema_editor):
    from zhenxing.transfer.uploads import seal_row

    StagedRow = apps.get_model("transfer", "StagedRow")
    last = 0
    while True:
        rows = list(StagedRow.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "batch_id", "payload")[:2000])
        if not rows:
            break
        for pk, batch_id, payload in rows:
            value = json.loads(payload) if isinstance(payload, str) else payload
            StagedRow.objects.filter(pk=pk).update(sealed=seal_row(value, batch_id=batch_id, row_id=pk))
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [("transfer", "0002_import_upload_reconfirm")]

    operations = [
        migrations.AddField(model_name="stagedrow", name="sealed", field=models.BinaryField(null=True)),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.RemoveField(model_name="stagedrow", name="payload"),
        migrations.AlterField(model_name="stagedrow", name="sealed", field=models.BinaryField()),
    ]
