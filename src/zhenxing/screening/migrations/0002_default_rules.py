from django.db import migrations


def ship(apps, schema_editor):
    from zhenxing.screening.rules import ship_default_rules

    ship_default_rules(apps.get_model("screening", "RuleSet"), apps.get_model("screening", "Rule"))


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]
    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
