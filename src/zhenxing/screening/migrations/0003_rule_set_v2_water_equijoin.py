"""Rule set v2 where v1 has the water rule with an OR in its join (a nested loop that grows with the square
of the data): the same rules, R06 rewritten as an equi-join with the same results. Leads keep the version
that raised them; v1 stays for the record."""

from django.db import migrations


def add_v2(apps, schema_editor):  # type: ignore[no-untyped-def]
    from zhenxing.screening.default_rules import WATER_SQL, WATER_SQL_V1_JOIN
    from zhenxing.screening.rules import check_rule_sql

    rule_set_model = apps.get_model("screening", "RuleSet")
    rule_model = apps.get_model("screening", "Rule")
    current = rule_set_model.objects.filter(is_current=True).first()
    if current is None:
        return
    water = rule_model.objects.filter(rule_set=current, code="R06").first()
    if water is None or WATER_SQL_V1_JOIN not in water.sql:
        return
    check_rule_sql(WATER_SQL)
    rule_set_model.objects.filter(pk=current.pk).update(is_current=False)
    v2 = rule_set_model.objects.create(
        version=current.version + 1, note="R06 饮水安全：改为等值连接（结果不变，省级规模可用）", is_current=True
    )
    for rule in rule_model.objects.filter(rule_set=current).order_by("code"):
        rule_model.objects.create(
            rule_set=v2, code=rule.code, name=rule.name, risk_type=rule.risk_type, grade=rule.grade,
            policy_rule=rule.policy_rule, sql=WATER_SQL if rule.code == "R06" else rule.sql, params=rule.params,
            enabled=rule.enabled,
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("screening", "0002_default_rules")]
    operations = [migrations.RunPython(add_v2, migrations.RunPython.noop)]
