"""The hand-written SQL of bench/dashboards.py: each dashboard figure's numbers over the raw tables (by county,
series and period), written from the figure's 口径 and not through its code; the bench checks them equal to
data.json before timing them."""

from __future__ import annotations

# a village's county through the division tree (village → township → county), not by slicing its code
COUNTY_OF_VILLAGE = """
JOIN divisions_division v ON v.code = {village} JOIN divisions_division t ON t.id = v.parent_id
JOIN divisions_division c ON c.id = t.parent_id"""

# 监测对象（按类型）: at each of the 24 month-ends (this month: today), the cases confirmed on or before the day
# and not risk-eliminated by it, by county and type (a type outside the vocabulary as 其他)
MONITORING = f"""
SELECT c.code, CASE WHEN k.monitoring_type = ANY(%(types)s) THEN k.monitoring_type ELSE '其他' END,
       to_char(d.day, 'YYYY-MM'), count(*)
FROM unnest(%(month_ends)s::date[]) AS d(day)
JOIN monitoring_case k ON k.identified_on <= d.day AND (k.eliminated_on IS NULL OR k.eliminated_on > d.day)
{COUNTY_OF_VILLAGE.format(village="k.village_code")}
WHERE k.status = ANY(%(confirmed)s)
GROUP BY 1, 2, 3
"""

# 预警线索处置: the leads raised in the twelve months up to today (created from local midnight of the first day) by
# their status today, and the open leads past the village's check day (any age), by the household's county
LEADS = f"""
WITH raised AS (
  SELECT h.village_code, l.status FROM screening_lead l JOIN registry_household h ON h.id = l.household_id
  WHERE l.created_at >= %(lead_from)s AND l.created_at < %(lead_to)s),
counted AS (
  SELECT village_code, 'raised' AS series, count(*) AS n FROM raised GROUP BY 1
  UNION ALL SELECT village_code, 'checked', count(*) FROM raised WHERE status <> 'open' GROUP BY 1
  UNION ALL SELECT village_code, 'included', count(*) FROM raised WHERE status = 'confirmed' GROUP BY 1
  UNION ALL SELECT h.village_code, 'overdue', count(*) FROM screening_lead l
    JOIN registry_household h ON h.id = l.household_id WHERE l.status = 'open' AND l.village_due < %(today)s
    GROUP BY 1)
SELECT c.code, k.series, '', sum(k.n) FROM counted k {COUNTY_OF_VILLAGE.format(village="k.village_code")}
GROUP BY 1, 2
"""

# 识别与消除（按月）: cases confirmed (识别监测时间) and cases risk-eliminated (风险消除时间), by month over the 24
# months up to today
THROUGHPUT = f"""
WITH moved AS (
  SELECT village_code, 'identified' AS series, identified_on AS day FROM monitoring_case
  WHERE status = ANY(%(confirmed)s) AND identified_on BETWEEN %(first_month)s AND %(today)s
  UNION ALL
  SELECT village_code, 'eliminated', eliminated_on FROM monitoring_case
  WHERE status = 'eliminated' AND eliminated_on BETWEEN %(first_month)s AND %(today)s)
SELECT c.code, m.series, to_char(m.day, 'YYYY-MM'), count(*)
FROM moved m {COUNTY_OF_VILLAGE.format(village="m.village_code")} GROUP BY 1, 2, 3
"""

# 帮扶措施覆盖: the cases monitored today, and of them those with an implemented (实施中/已完成) measure of a
# development category
ASSISTANCE = f"""
WITH monitored AS (
  SELECT k.id, k.village_code FROM monitoring_case k
  WHERE k.status = ANY(%(confirmed)s) AND k.identified_on <= %(today)s
    AND (k.eliminated_on IS NULL OR k.eliminated_on > %(today)s)),
counted AS (
  SELECT village_code, 'monitored' AS series, count(*) AS n FROM monitored GROUP BY 1
  UNION ALL
  SELECT village_code, 'development', count(*) FROM monitored k WHERE EXISTS (
    SELECT 1 FROM monitoring_measure m WHERE m.case_id = k.id AND m.category = ANY(%(development)s)
      AND m.status = ANY(%(implemented)s))
  GROUP BY 1)
SELECT c.code, k.series, '', sum(k.n) FROM counted k {COUNTY_OF_VILLAGE.format(village="k.village_code")}
GROUP BY 1, 2
"""

# 扶贫项目资产状况: held assets by the condition their latest inspection found (never inspected, or a condition
# outside the vocabulary: 未巡查), at the county of the division they stand in (a village, township or county)
ASSETS = """
SELECT coalesce(CASE d.level WHEN 'county' THEN d.code WHEN 'township' THEN p.code ELSE g.code END, d.code),
       CASE WHEN a.condition = ANY(%(conditions)s) THEN a.condition ELSE 'uninspected' END, '', count(*)
FROM assets_asset a JOIN divisions_division d ON d.id = a.division_id
LEFT JOIN divisions_division p ON p.id = d.parent_id LEFT JOIN divisions_division g ON g.id = p.parent_id
WHERE a.status = ANY(%(held)s) GROUP BY 1, 2
"""

# 村集体经济收入分档: villages by the tier stored with each year's figure, the latest 5 years entered up to this one
COLLECTIVE = """
WITH years AS (
  SELECT DISTINCT year FROM assets_collectiveincome WHERE year <= %(this_year)s ORDER BY year DESC LIMIT 5)
SELECT c.code, 'tier' || i.tier, i.year::text, count(*)
FROM assets_collectiveincome i JOIN divisions_division v ON v.id = i.village_id
JOIN divisions_division t ON t.id = v.parent_id JOIN divisions_division c ON c.id = t.parent_id
WHERE i.year IN (SELECT year FROM years) GROUP BY 1, 2, 3
"""

# 衔接资金支出进度: allocated (the documents' lines) and paid (payments, reversals as negative rows) by county and
# budget year, the latest 5 budget years with a line up to this one; the industry share is not rewritten here
# (its base follows the parameter's sources), so only 支出进度 is compared
FUNDS = """
WITH years AS (
  SELECT DISTINCT a.budget_year AS year FROM funds_allocationline l JOIN funds_allocation a ON a.id = l.allocation_id
  WHERE a.budget_year <= %(this_year)s ORDER BY 1 DESC LIMIT 5),
counted AS (
  SELECT l.county_id, 'allocated_fen' AS series, a.budget_year AS year, sum(l.amount_fen) AS n
  FROM funds_allocationline l JOIN funds_allocation a ON a.id = l.allocation_id
  WHERE a.budget_year IN (SELECT year FROM years) GROUP BY 1, 3
  UNION ALL
  SELECT county_id, 'paid_fen', budget_year, sum(amount_fen) FROM funds_payment
  WHERE budget_year IN (SELECT year FROM years) GROUP BY 1, 3)
SELECT c.code, k.series, k.year::text, sum(k.n) FROM counted k JOIN divisions_division c ON c.id = k.county_id
WHERE c.level = 'county' GROUP BY 1, 2, 3
"""

# 考核等次与督办: the counties' current assessments of the latest 5 assessed years (one per grade, the count and
# the total score), and the rectification tasks not closed today, counted in the latest assessed year
ASSESSMENT = """
WITH years AS (
  SELECT DISTINCT year FROM planning_assessment WHERE is_current AND year <= %(this_year)s
  ORDER BY year DESC LIMIT 5),
current AS (SELECT * FROM planning_assessment WHERE is_current AND year IN (SELECT year FROM years)),
counted AS (
  SELECT county_id, grade AS series, year, count(*)::numeric AS n FROM current GROUP BY 1, 2, 3
  UNION ALL SELECT county_id, 'assessed', year, count(*) FROM current GROUP BY 1, 3
  UNION ALL SELECT county_id, 'score', year, sum(total) FROM current GROUP BY 1, 3
  UNION ALL SELECT county_id, 'open_tasks', (SELECT max(year) FROM years), count(*)
    FROM planning_rectificationtask WHERE status <> 'closed' AND EXISTS (SELECT 1 FROM years) GROUP BY 1)
SELECT c.code, k.series, k.year::text, sum(k.n) FROM counted k JOIN divisions_division c ON c.id = k.county_id
GROUP BY 1, 2, 3
"""

# 规划指标完成情况: per county and frozen year (the latest 5 up to this one), the active indicators with a direction
# that have a target for the county (its own split; for a ratio indicator without one, the prefecture's), those
# whose current frozen county value meets it (≥ / ≤, inclusive), and those without a value
INDICATORS = """
WITH years AS (
  SELECT id, year FROM planning_period
  WHERE kind = 'year' AND number = 0 AND frozen_at IS NOT NULL AND year <= %(this_year)s
  ORDER BY year DESC LIMIT 5),
targets AS (
  SELECT y.id AS period_id, y.year, c.id AS county_id, c.code, i.id AS indicator_id, i.direction,
         coalesce(own.value, CASE WHEN i.aggregation = 'ratio' THEN total.value END) AS target
  FROM years y CROSS JOIN divisions_division c CROSS JOIN planning_indicator i
  LEFT JOIN planning_indicatortarget own ON own.indicator_id = i.id AND own.year = y.year AND own.county_id = c.id
  LEFT JOIN planning_indicatortarget total
    ON total.indicator_id = i.id AND total.year = y.year AND total.county_id IS NULL
  WHERE c.level = 'county' AND i.active AND i.direction IN ('>=', '<=')),
judged AS (
  SELECT t.code, t.year, t.direction, t.target, v.value FROM targets t
  LEFT JOIN planning_indicatorvalue v ON v.period_id = t.period_id AND v.division_id = t.county_id
    AND v.indicator_id = t.indicator_id AND v.is_current AND v.state = 'value'
  WHERE t.target IS NOT NULL)
SELECT code, 'targeted', year::text, count(*) FROM judged GROUP BY 1, 3
UNION ALL
SELECT code, 'met', year::text,
       count(*) FILTER (WHERE (direction = '>=' AND value >= target) OR (direction = '<=' AND value <= target))
FROM judged GROUP BY 1, 3
UNION ALL
SELECT code, 'no_value', year::text, count(*) FILTER (WHERE value IS NULL) FROM judged GROUP BY 1, 3
"""

# figure key → the hand-written statement giving (county code, series, period, value) rows
REFERENCES: dict[str, str] = {
    "monitoring": MONITORING,
    "leads": LEADS,
    "throughput": THROUGHPUT,
    "assistance": ASSISTANCE,
    "assets": ASSETS,
    "collective": COLLECTIVE,
    "funds": FUNDS,
    "indicators": INDICATORS,
    "assessment": ASSESSMENT,
}
