"""The P12 indicators with the plan's baselines and prefecture totals, and the yearly statistics template."""

from django.db import migrations


def ship(apps, schema_editor):  # type: ignore[no-untyped-def]
    from zhenxing.planning.catalogue import ship_indicators, ship_template

    ship_indicators(
        apps.get_model("planning", "Indicator"), apps.get_model("planning", "IndicatorTarget"),
        apps.get_model("accounts", "Sector"),
    )
    ship_template(apps.get_model("planning", "StatsTemplate"))


class Migration(migrations.Migration):
    dependencies = [("planning", "0001_initial"), ("accounts", "0005_finance_role")]

    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
