"""Ship the parameter values POLICY.md gives (policy/shipped.py), so the CLI works on a fresh install."""

from django.db import migrations


def ship(apps, schema_editor):
    from zhenxing.policy.shipped import ship_parameters

    # kinds added by later migrations are shipped there, once the kind constraint allows them
    ship_parameters(apps.get_model("policy", "Parameter"), exclude=("assistance_checks",))


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]
    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
