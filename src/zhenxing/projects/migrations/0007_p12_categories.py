"""The two categories P12 counts (冷链物流, 农村电商), added to the shipped catalogue."""

from django.db import migrations


def ship(apps, schema_editor):  # type: ignore[no-untyped-def]
    from zhenxing.projects.catalogue import ship_catalogue

    ship_catalogue(apps.get_model("accounts", "Sector"), apps.get_model("projects", "ProjectCategory"))


class Migration(migrations.Migration):
    dependencies = [("projects", "0006_target_results"), ("accounts", "0005_finance_role")]

    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
