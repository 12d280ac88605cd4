"""`zhenxing generate --report`: the generated aggregates beside the plan's figures (POLICY.md baseline)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from zhenxing.policy import lines
from zhenxing.synth import rates

PLAN_IN_RANGE_2020 = (
    14_331 + 21_065
)  # plan: 脱贫不稳定户 14,331 people + 边缘易致贫户 21,065 people (end of 2020)
PLAN_RELOCATED_PEOPLE = 17_911


@dataclass(frozen=True)
class Line:
    yuan: int
    source: str


def report_line(year: int) -> Line:
    """The configured line (policy.lines), or — the report calibrates synthetic data, it decides nothing —
    a demonstration line marked as such."""
    try:
        stored = lines.line_for(year=year)
    except lines.LineNotConfigured:
        return Line(
            rates.DEMO_LINES.get(year, rates.DEMO_LINES[2020]), "演示用监测线（未核实，仅用于合成数据校准）"
        )
    return Line(int(stored.yuan), f"已配置参数 #{stored.parameter.pk}（{stored.parameter.document}）")


def _rows(sql: str, params: list[int]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def generation_report(*, year: int, scale: float) -> str:
    line = report_line(year)
    members = "SELECT household_id, COUNT(*) AS n FROM registry_membership WHERE left_on IS NULL GROUP BY household_id"
    by_kind = _rows(
        f"""
        SELECT h.kind, COUNT(*), SUM(m.n),
               SUM(y.wage + y.business + y.property + y.transfer - y.business_cost),
               SUM(y.business - y.business_cost),
               -- P5 (P3): income test, then the sudden-hardship test, compared without dividing
               SUM(CASE WHEN y.wage + y.business + y.property + y.transfer - y.business_cost < %s * m.n THEN m.n ELSE 0 END),
               SUM(CASE WHEN y.wage + y.business + y.property + y.transfer - y.business_cost >= %s * m.n
                         AND y.wage + y.business + y.property + y.transfer - y.business_cost + y.insurance_payouts
                             - y.medical_expense - y.education_expense - y.rehabilitation_expense - y.accident_expense
                             - y.disaster_expense < %s * m.n THEN m.n ELSE 0 END),
               SUM(CASE WHEN h.is_relocated THEN 1 ELSE 0 END),
               SUM(CASE WHEN h.is_relocated THEN m.n ELSE 0 END)
        FROM registry_household h
        JOIN ({members}) m ON m.household_id = h.id
        JOIN registry_householdyear y ON y.household_id = h.id AND y.year = %s
        GROUP BY h.kind ORDER BY h.kind
        """,  # noqa: S608 - no user input
        [line.yuan * 100, line.yuan * 100, line.yuan * 100, year],
    )
    minority = _rows(
        """
        SELECT SUM(CASE WHEN p.ethnicity <> '汉族' THEN 1 ELSE 0 END), COUNT(*)
        FROM registry_person p JOIN registry_membership m ON m.person_id = p.id AND m.left_on IS NULL
        JOIN registry_household h ON h.id = m.household_id WHERE h.kind = '脱贫户'
        """,
        [],
    )
    counties = _rows(
        """
        SELECT c.name, SUM(CASE WHEN h.kind = '脱贫户' THEN 1 ELSE 0 END), COUNT(*)
        FROM registry_household h JOIN divisions_division v ON v.code = h.village_code
        JOIN divisions_division t ON t.id = v.parent_id JOIN divisions_division c ON c.id = t.parent_id
        GROUP BY c.code, c.name ORDER BY c.code
        """,
        [],
    )
    stats = {kind: row for kind, *row in by_kind}
    lines = [f"合成数据校准报告（年度 {year}，规模 {scale}，监测线 {line.yuan} 元：{line.source}）", ""]

    def compare(label: str, value: float, plan: float) -> str:
        ratio = (value / plan - 1) * 100 if plan else 0.0
        return f"  {label:<24}{value:>12,.0f}   规划 {plan:>12,.0f}   偏差 {ratio:+.2f}%"

    t = stats.get("脱贫户")
    o = stats.get("一般农户")
    if t:
        households, people, net, business, _income, _hardship, relocated_h, relocated_p = (
            int(x or 0) for x in t
        )
        lines += [
            compare("脱贫户 户数", households, rates.TUOPIN_HOUSEHOLDS * scale),
            compare("脱贫户 人数", people, rates.TUOPIN_PEOPLE * scale),
            f"  脱贫户 人均纯收入          {net / 100 / people:>12,.2f}   规划 10,737.51（2020年）",
            f"  生产经营性收入占比         {business / net * 100:>11.2f}%   规划 29.89%（2020年）",
            compare("易地扶贫搬迁 户数", relocated_h, rates.RELOCATED_HOUSEHOLDS * scale),
            compare("易地扶贫搬迁 人数", relocated_p, PLAN_RELOCATED_PEOPLE * scale),
        ]
        if minority and minority[0][1]:
            lines.append(
                f"  脱贫人口少数民族占比       {minority[0][0] / minority[0][1] * 100:>11.2f}%   规划 59.57%"
            )
    in_range = 0
    for kind, data in (("脱贫户", t), ("一般农户", o)):
        if data:
            in_range += int(data[4] or 0) + int(data[5] or 0)
            lines.append(
                f"  {kind} 纳入监测范围人数    收入 {int(data[4] or 0):>9,}  突发困难 {int(data[5] or 0):>9,}"
            )
    if o:
        lines.append(
            compare(
                "农村人口合计", int((t[1] if t else 0) or 0) + int(o[1] or 0), rates.RURAL_POPULATION * scale
            )
        )
    plan_range = PLAN_IN_RANGE_2020 * scale
    lines.append(
        compare("纳入监测范围人数", in_range, plan_range) + ("" if year == 2020 else "（规划数为2020年）")
    )
    lines += ["", "  各县(市)：脱贫户 / 全部农户"]
    lines += [f"    {name:<10}{tuopin:>10,} / {total:>10,}" for name, tuopin, total in counties]
    return "\n".join(lines)
