"""The default rule set (P5, P6, P10), as data: each rule is portable SQL returning
(household_id, value, threshold) — checked with sqlglot and transpiled for each engine.

Why portable SQL (sqlglot) rather than an expression library such as Ibis: the rules read five plain tables
with joins, aggregates and NOT EXISTS, which SQL states directly and every engine here speaks (SQLite,
PostgreSQL, DuckDB, Spark SQL); sqlglot parses each rule once, refuses what it cannot read, and writes the
dialect of the engine at hand, while the rule text stays readable to the county staff who review it.
Placeholders: :year, :year_start, :year_end, :line_fen, :born_6, :born_15, :born_16, :born_64 (birth-date
bounds for ages on 31 December), and each rule's own parameters. Money in fen, compared without division.
"""

from __future__ import annotations

MEMBERS = "(SELECT household_id, COUNT(*) AS n FROM registry_membership WHERE left_on IS NULL GROUP BY household_id)"
NET = "(y.wage + y.business + y.property + y.transfer - y.business_cost)"
ADJUSTED = f"({NET} + y.insurance_payouts - y.medical_expense - y.education_expense - y.rehabilitation_expense - y.accident_expense - y.disaster_expense)"
LABOUR = "p.labour IN ('普通劳动力', '技能劳动力') AND p.birth_date BETWEEN :born_64 AND :born_16"

WATER_SQL = (
    "SELECT COALESCE(f.household_id, h.id) AS household_id, COALESCE(f.number, 0) AS value, :water_days AS threshold "
    "FROM feeds_feedrecord f LEFT JOIN registry_household h ON f.household_id IS NULL AND h.village_code = f.village_code "
    "WHERE f.department = 'water' AND f.record_date BETWEEN :year_start AND :year_end "
    "AND (COALESCE(f.number, 0) > :water_days OR f.code IN ('水质不达标', '取水不便'))"
)
WATER_SQL_V1_JOIN = "JOIN registry_household h ON (h.id = f.household_id OR (f.household_id IS NULL"

DEFAULT_RULES: list[dict[str, object]] = [
    {
        "code": "R01", "name": "家庭人均纯收入低于监测范围", "risk_type": "其他", "grade": "橙", "rule": "P5",
        "params": {},
        "sql": f"SELECT y.household_id, {NET} AS value, :line_fen * c.n AS threshold FROM registry_householdyear y "
               f"JOIN {MEMBERS} c ON c.household_id = y.household_id WHERE y.year = :year AND {NET} < :line_fen * c.n",
    },
    {
        "code": "R02", "name": "刚性支出大，扣除后人均收入低于监测范围", "risk_type": "其他", "grade": "橙", "rule": "P5",
        "params": {},
        "sql": f"SELECT y.household_id, {ADJUSTED} AS value, :line_fen * c.n AS threshold FROM registry_householdyear y "
               f"JOIN {MEMBERS} c ON c.household_id = y.household_id WHERE y.year = :year AND {NET} >= :line_fen * c.n "
               f"AND {ADJUSTED} < :line_fen * c.n",
    },
    {
        "code": "R03", "name": "医保目录内个人自付超过监测范围", "risk_type": "因病", "grade": "橙", "rule": "P10",
        "params": {},
        "sql": "SELECT f.household_id, SUM(f.amount_fen) AS value, :line_fen AS threshold FROM feeds_feedrecord f "
               "WHERE f.department = 'medical_insurance' AND f.record_date BETWEEN :year_start AND :year_end "
               "AND f.household_id IS NOT NULL AND f.person_id IS NOT NULL GROUP BY f.household_id, f.person_id "
               "HAVING SUM(f.amount_fen) > :line_fen",
    },
    {
        "code": "R04", "name": "义务教育阶段失学辍学", "risk_type": "义务教育阶段失学辍学", "grade": "红", "rule": "P6",
        "params": {},
        "sql": "SELECT f.household_id, f.code AS value, '在读' AS threshold FROM feeds_feedrecord f "
               "JOIN registry_person p ON p.id = f.person_id WHERE f.department = 'education' AND f.code IN ('辍学', '未入学') "
               "AND f.record_date BETWEEN :year_start AND :year_end AND p.birth_date BETWEEN :born_15 AND :born_6",
    },
    {
        "code": "R05", "name": "住房鉴定为C级或D级", "risk_type": "住房出现安全问题", "grade": "红", "rule": "P6",
        "params": {},
        "sql": "SELECT f.household_id, f.code AS value, 'A/B' AS threshold FROM feeds_feedrecord f "
               "WHERE f.department = 'housing' AND f.code IN ('C', 'D') AND f.household_id IS NOT NULL "
               "AND f.record_date BETWEEN :year_start AND :year_end",
    },
    {
        "code": "R06", "name": "饮水安全问题", "risk_type": "饮水安全问题", "grade": "红", "rule": "P6",
        "params": {"water_days": 30},
        # a village-wide record reaches every household of the village through an equi-join (an OR in the
        # join condition forced a nested loop: fine for a prefecture, quadratic for a province)
        "sql": WATER_SQL,
    },
    {
        "code": "R07", "name": "灾害损失大或房屋受损", "risk_type": "因自然灾害", "grade": "橙", "rule": "P6",
        "params": {"loss_fen": 1000000},
        "sql": "SELECT f.household_id, f.amount_fen AS value, :loss_fen AS threshold FROM feeds_feedrecord f "
               "WHERE f.department = 'emergency' AND f.household_id IS NOT NULL AND f.record_date BETWEEN :year_start AND :year_end "
               "AND (f.amount_fen >= :loss_fen OR f.flag = TRUE)",
    },
    {
        "code": "R08", "name": "新办一、二级残疾人证", "risk_type": "因残", "grade": "黄", "rule": "P6",
        "params": {},
        "sql": "SELECT f.household_id, f.number AS value, 2 AS threshold FROM feeds_feedrecord f WHERE f.department = 'disability' "
               "AND f.household_id IS NOT NULL AND f.number <= 2 AND f.record_date BETWEEN :year_start AND :year_end",
    },
    {
        "code": "R09", "name": "登记为大病患者", "risk_type": "因病", "grade": "黄", "rule": "P6",
        "params": {},
        "sql": "SELECT f.household_id, f.code AS value, '大病' AS threshold FROM feeds_feedrecord f WHERE f.department = 'health' "
               "AND f.code = '大病' AND f.household_id IS NOT NULL AND f.record_date BETWEEN :year_start AND :year_end",
    },
    {
        "code": "R10", "name": "登记失业", "risk_type": "因务工就业不稳", "grade": "黄", "rule": "P6",
        "params": {},
        "sql": "SELECT f.household_id, f.code AS value, '就业' AS threshold FROM feeds_feedrecord f WHERE f.department = 'human_resources' "
               "AND f.household_id IS NOT NULL AND (f.flag = TRUE OR f.code = '失业') AND f.record_date BETWEEN :year_start AND :year_end",
    },
    {
        "code": "R11", "name": "家中唯一劳动力死亡或迁出", "risk_type": "缺劳动力", "grade": "橙", "rule": "P10",
        "params": {},
        "sql": f"SELECT f.household_id, f.code AS value, '在户' AS threshold FROM feeds_feedrecord f "
               f"JOIN registry_person p ON p.id = f.person_id WHERE f.department = 'public_security' AND f.household_id IS NOT NULL "
               f"AND f.record_date BETWEEN :year_start AND :year_end AND {LABOUR} AND NOT EXISTS ("
               f"SELECT 1 FROM registry_membership m2 JOIN registry_person p2 ON p2.id = m2.person_id "
               f"WHERE m2.household_id = f.household_id AND m2.left_on IS NULL AND m2.person_id <> f.person_id "
               f"AND p2.labour IN ('普通劳动力', '技能劳动力') AND p2.birth_date BETWEEN :born_64 AND :born_16)",
    },
    {
        "code": "R12", "name": "新纳入低保或特困供养", "risk_type": "其他", "grade": "黄", "rule": "P10",
        "params": {},
        "sql": "SELECT f.household_id, f.code AS value, '未纳入' AS threshold FROM feeds_feedrecord f WHERE f.department = 'civil_affairs' "
               "AND f.household_id IS NOT NULL AND f.code IN ('低保', '特困') AND f.record_date BETWEEN :year_start AND :year_end",
    },
]  # fmt: skip
