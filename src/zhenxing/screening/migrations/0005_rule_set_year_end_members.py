"""The rule set whose conditions are the policy's own (issue 14 item 1), as the next version: the year's
members are those in the household on 31 December (P1; the earlier sets counted today's members), R08 takes
P6's severe disability (grade 1-2, or 智力/精神 at grade 3-4; the earlier sets only grade 1-2), R04 leaves
out a child the county committee exempted (P6), R11 asks about the other members on 31 December. Leads keep
the version that raised them; the earlier sets stay for the record. On a new database 0002 has shipped
these rules already and nothing happens here."""

from django.db import migrations

NOTE = "年末家庭成员（P1）；R08 按 P6 因残；R04 排除经评估不能就学；规则条件与 policy/rules 同一定义"


def ship(apps, schema_editor):  # type: ignore[no-untyped-def]
    from zhenxing.screening.rules import ship_default_rules

    ship_default_rules(apps.get_model("screening", "RuleSet"), apps.get_model("screening", "Rule"), note=NOTE)


class Migration(migrations.Migration):
    dependencies = [("screening", "0004_run_status")]
    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
