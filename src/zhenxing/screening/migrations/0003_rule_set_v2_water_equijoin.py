"""Rule set v2 where v1 has the water rule with an OR in its join (a nested loop that grows with the square
of the data): the same rules, R06 rewritten as an equi-join with the same results. Leads keep the version
that raised them; v1 stays for the record. The rule text is kept here as shipped (the live rule set moved on:
0005)."""

from django.db import migrations

WATER_SQL = (
    "SELECT COALESCE(f.household_id, h.id) AS household_id, COALESCE(f.number, 0) AS value, :water_days AS threshold "
    "FROM feeds_feedrecord f LEFT JOIN registry_household h ON f.household_id IS NULL AND h.village_code = f.village_code "
    "WHERE f.department = 'water' AND f.record_date BETWEEN :year_start AND :year_end "
    "AND (COALESCE(f.number, 0) > :water_days OR f.code IN ('水质不达标', '取水不便'))"
)
WATER_SQL_V1_JOIN = "JOIN registry_household h ON (h.id = f.household_id OR (f.household_id IS NULL"


def add_v2(apps, schema_editor):  # type: ignore[no-untyped-def]
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
