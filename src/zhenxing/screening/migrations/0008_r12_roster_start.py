"""The next rule-set version (issue 16, P17): R12 (新纳入低保或特困供养) leaves out a 民政 roster row whose start
民政 did not give (dated by the roster, feeds 0003), which read as newly on 低保 in every round. Leads keep the
version that raised them; the earlier sets stay. On a new database 0002 has shipped this rule already."""

from django.db import migrations

NOTE = "R12 不把未填开始日期的民政名册记录当作新纳入（P17）"


def ship(apps, schema_editor):  # type: ignore[no-untyped-def]
    from zhenxing.screening.rules import ship_default_rules

    ship_default_rules(apps.get_model("screening", "RuleSet"), apps.get_model("screening", "Rule"), note=NOTE)


class Migration(migrations.Migration):
    dependencies = [("screening", "0007_run_scope_and_progress"), ("feeds", "0003_roster_start_given")]
    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
