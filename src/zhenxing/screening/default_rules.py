"""The default rule set (P5, P6, P10), as data: each rule is portable SQL returning
(household_id, value, threshold) — checked with sqlglot and transpiled for each engine.

Why portable SQL (sqlglot) rather than an expression library such as Ibis: the rules read five plain tables
with joins, aggregates and NOT EXISTS, which SQL states directly and every engine here speaks (SQLite,
PostgreSQL, DuckDB, Spark SQL); sqlglot parses each rule once, refuses what it cannot read, and writes the
dialect of the engine at hand, while the rule text stays readable to the county staff who review it.

No rule here restates a policy definition: every condition that is one (the year's members, net and adjusted
income, labour, ages, housing grades, water, severe disability) is the SQL twin kept beside its Python
function in policy/rules, built from the same constants, and tests/screening/test_rules_agree_with_policy.py
holds each pair together on every engine. Placeholders: rules/sql.py in policy. Money in fen, compared
without division.
"""

from __future__ import annotations

from zhenxing.policy.rules.income import (
    ADJUSTED_INCOME_SQL,
    BELOW_LINE_BY_HARDSHIP_SQL,
    BELOW_LINE_BY_INCOME_SQL,
    NET_INCOME_SQL,
    YEAR_END_MEMBERS_JOIN_SQL,
)
from zhenxing.policy.rules.people import (
    compulsory_school_dropout_sql,
    has_labour_sql,
    year_end_member_sql,
)
from zhenxing.policy.rules.risks import (
    WATER_CUT_DAYS_LIMIT,
    severe_disability_sql,
    unsafe_housing_sql,
    unsafe_water_sql,
)
from zhenxing.policy.rules.sector import EXTRA_MEDICAL_ASSISTANCE_SQL
from zhenxing.policy.rules.signals import (
    DEPARTURES,
    DISASTER_LOSS_SIGNAL_FEN,
    SAFETY_NET,
    SERIOUS_ILLNESS_REGISTRY,
    UNEMPLOYED,
)
from zhenxing.policy.rules.sql import text, texts
from zhenxing.policy.vocab import HOUSING_GRADES, UNSAFE_HOUSING_GRADES

IN_YEAR = "f.record_date BETWEEN :year_start AND :year_end"
SAFE_HOUSING = "/".join(grade for grade in HOUSING_GRADES if grade not in UNSAFE_HOUSING_GRADES)

# a village-wide record reaches every household of the village through an equi-join (an OR in the join
# condition forced a nested loop: fine for a prefecture, quadratic for a province)
WATER_SQL = (
    f"SELECT COALESCE(f.household_id, h.id) AS household_id, COALESCE(f.number, 0) AS value, "
    f"{int(WATER_CUT_DAYS_LIMIT)} AS threshold "
    "FROM feeds_feedrecord f LEFT JOIN registry_household h ON f.household_id IS NULL AND h.village_code = f.village_code "
    f"WHERE f.department = 'water' AND {IN_YEAR} AND {unsafe_water_sql('f')}"
)

# R11: the person who went had labour, and none of the household's other members on 31 December has
LABOUR_LOST_SQL = (
    "SELECT f.household_id, f.code AS value, '在户' AS threshold FROM feeds_feedrecord f "
    "JOIN registry_person p ON p.id = f.person_id WHERE f.department = 'public_security' AND f.household_id IS NOT NULL "
    f"AND f.code IN ({texts(DEPARTURES)}) AND {IN_YEAR} AND {has_labour_sql('p')} AND NOT EXISTS ("
    "SELECT 1 FROM registry_membership m JOIN registry_person p2 ON p2.id = m.person_id "
    f"WHERE m.household_id = f.household_id AND {year_end_member_sql('m')} AND m.person_id <> f.person_id "
    f"AND {has_labour_sql('p2')})"
)

DEFAULT_RULES: list[dict[str, object]] = [
    {
        "code": "R01", "name": "家庭人均纯收入低于监测范围", "risk_type": "其他", "grade": "橙", "rule": "P5",
        "params": {},
        "sql": f"SELECT y.household_id, {NET_INCOME_SQL} AS value, :line_fen * c.n AS threshold FROM registry_householdyear y "
               f"{YEAR_END_MEMBERS_JOIN_SQL} WHERE y.year = :year AND {BELOW_LINE_BY_INCOME_SQL}",
    },
    {
        "code": "R02", "name": "刚性支出大，扣除后人均收入低于监测范围", "risk_type": "其他", "grade": "橙", "rule": "P5",
        "params": {},
        "sql": f"SELECT y.household_id, {ADJUSTED_INCOME_SQL} AS value, :line_fen * c.n AS threshold FROM registry_householdyear y "
               f"{YEAR_END_MEMBERS_JOIN_SQL} WHERE y.year = :year AND {BELOW_LINE_BY_HARDSHIP_SQL}",
    },
    {
        "code": "R03", "name": "医保目录内个人自付超过监测范围", "risk_type": "因病", "grade": "橙", "rule": "P10",
        "params": {},
        "sql": "SELECT f.household_id, SUM(f.amount_fen) AS value, :line_fen AS threshold FROM feeds_feedrecord f "
               f"WHERE f.department = 'medical_insurance' AND {IN_YEAR} "
               "AND f.household_id IS NOT NULL AND f.person_id IS NOT NULL GROUP BY f.household_id, f.person_id "
               f"HAVING {EXTRA_MEDICAL_ASSISTANCE_SQL}",
    },
    {
        "code": "R04", "name": "义务教育阶段失学辍学", "risk_type": "义务教育阶段失学辍学", "grade": "红", "rule": "P6",
        "params": {},
        "sql": "SELECT f.household_id, f.code AS value, '在读' AS threshold FROM feeds_feedrecord f "
               "JOIN registry_person p ON p.id = f.person_id WHERE f.department = 'education' "
               f"AND {IN_YEAR} AND {compulsory_school_dropout_sql('f', 'p')}",
    },
    {
        "code": "R05", "name": "住房鉴定为C级或D级", "risk_type": "住房出现安全问题", "grade": "红", "rule": "P6",
        "params": {},
        "sql": f"SELECT f.household_id, f.code AS value, {text(SAFE_HOUSING)} AS threshold "
               f"FROM feeds_feedrecord f WHERE f.department = 'housing' AND {unsafe_housing_sql('f')} "
               f"AND f.household_id IS NOT NULL AND {IN_YEAR}",
    },
    {
        "code": "R06", "name": "饮水安全问题", "risk_type": "饮水安全问题", "grade": "红", "rule": "P6",
        "params": {},
        "sql": WATER_SQL,
    },
    {
        "code": "R07", "name": "灾害损失大或房屋受损", "risk_type": "因自然灾害", "grade": "橙", "rule": "P6",
        "params": {},
        "sql": f"SELECT f.household_id, f.amount_fen AS value, {int(DISASTER_LOSS_SIGNAL_FEN)} AS threshold "
               f"FROM feeds_feedrecord f WHERE f.department = 'emergency' AND f.household_id IS NOT NULL AND {IN_YEAR} "
               f"AND (f.amount_fen >= {int(DISASTER_LOSS_SIGNAL_FEN)} OR f.flag = TRUE)",
    },
    {
        "code": "R08", "name": "新办一、二级或智力、精神三、四级残疾人证", "risk_type": "因残", "grade": "黄", "rule": "P6",
        "params": {},
        "sql": "SELECT f.household_id, f.number AS value, '一、二级，或智力、精神三、四级' AS threshold "
               "FROM feeds_feedrecord f WHERE f.department = 'disability' "
               f"AND f.household_id IS NOT NULL AND {severe_disability_sql('f')} AND {IN_YEAR}",
    },
    {
        "code": "R09", "name": "登记为大病患者", "risk_type": "因病", "grade": "黄", "rule": "P6",
        "params": {},
        "sql": f"SELECT f.household_id, f.code AS value, {text(SERIOUS_ILLNESS_REGISTRY)} AS threshold "
               "FROM feeds_feedrecord f WHERE f.department = 'health' "
               f"AND f.code = {text(SERIOUS_ILLNESS_REGISTRY)} AND f.household_id IS NOT NULL AND {IN_YEAR}",
    },
    {
        "code": "R10", "name": "登记失业", "risk_type": "因务工就业不稳", "grade": "黄", "rule": "P6",
        "params": {},
        "sql": "SELECT f.household_id, f.code AS value, '就业' AS threshold FROM feeds_feedrecord f WHERE f.department = 'human_resources' "
               f"AND f.household_id IS NOT NULL AND (f.flag = TRUE OR f.code = {text(UNEMPLOYED)}) AND {IN_YEAR}",
    },
    {
        "code": "R11", "name": "家中唯一劳动力死亡或迁出", "risk_type": "缺劳动力", "grade": "橙", "rule": "P10",
        "params": {},
        "sql": LABOUR_LOST_SQL,
    },
    {
        "code": "R12", "name": "新纳入低保或特困供养", "risk_type": "其他", "grade": "黄", "rule": "P10",
        "params": {},
        "sql": "SELECT f.household_id, f.code AS value, '未纳入' AS threshold FROM feeds_feedrecord f WHERE f.department = 'civil_affairs' "
               f"AND f.household_id IS NOT NULL AND f.code IN ({texts(SAFETY_NET)}) AND {IN_YEAR} "
               # P17: a roster row 民政 gave no start for is dated by the roster (flag FALSE): no 新纳入 event
               "AND (f.flag IS NULL OR f.flag = TRUE)",
    },
]  # fmt: skip
