"""Ship the parameter values POLICY.md gives (policy/shipped.py), so the CLI works on a fresh install."""

import datetime

from django.db import migrations


def ship(apps, schema_editor):
    from zhenxing.policy.shipped import SHIPPED_PARAMETERS

    Parameter = apps.get_model("policy", "Parameter")
    for spec in SHIPPED_PARAMETERS:
        exists = Parameter.objects.filter(kind=spec["kind"], region="53", year=spec["year"], is_current=True).exists()
        if exists:
            continue
        effective = spec.get("effective_from")
        Parameter.objects.create(
            kind=spec["kind"],
            region="53",
            year=spec["year"],
            effective_from=datetime.date.fromisoformat(effective) if effective else None,
            value=spec["value"],
            document=spec["document"],
            verified=spec["verified"],
            note=spec["note"],
        )


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]
    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
