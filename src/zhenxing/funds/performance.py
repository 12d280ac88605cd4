"""绩效评价 (P14): a county's yearly score, every number explained down to the projects behind it. The weights
are the fund_performance parameter of the budget year (cited); the indicators and the grade are the pure rules
of policy/rules/performance.py; the records are read for all the counties asked at once
(funds/performance_data.py), so that the prefecture's 12 counties cost a handful of aggregate queries.

The result is listed as one factor of next year's allocation, never turned into money (P14)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from zhenxing.accounts.scoping import division_scope_filter
from zhenxing.common import clock
from zhenxing.divisions.codes import PREFECTURE_CODE
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.funds.performance_data import (
    CountyRecords,
    ProjectRecord,
    year_allocated,
    year_money,
    year_projects,
)
from zhenxing.policy.enums import ParameterKind
from zhenxing.policy.rules import performance as rules
from zhenxing.policy.rules.projects import fen_to_wan
from zhenxing.policy.selectors import parameter_for
from zhenxing.projects.enums import ProjectStatus

FIRST_YEAR = 2021  # the 衔接 period's first budget year (P14)
DONE_STATES = (ProjectStatus.COMPLETED, ProjectStatus.ACCEPTED, ProjectStatus.HANDED_OVER)
ALLOCATION_FACTOR = "作为下一年度资金分配因素之一（不折算金额）"
UNSCORED_NOTHING = "本年度没有下达资金，也没有可计的项目，各项指标均无可计对象"
RESCALED_MARK = "（按适用指标折算）"
# what each indicator counts, as the page and the report say it (P14; withdrawn projects left out)
RULES: dict[str, str] = {
    "disbursement": "本预算年度下达本县(市)的资金中已支付的比例（已支付 ÷ 下达，冲销已扣除）",
    "completion": "本年度项目中已竣工（含验收、资产移交）的比例；终止的项目计为未完工，出库的项目不计入",
    "targets": "已竣工（含验收、资产移交）项目的绩效目标中填报为已完成的比例",
    "notices": "本年度项目中已张贴实施计划公示、且竣工后已张贴实施结果公示的比例（草稿不算）",
    "linkage": "须联农带农的产业、就业类项目中，明确联农带农机制且带动人数大于0的比例",
}


@dataclass(frozen=True)
class Line:
    """One project behind an indicator: counted as met or not (None: counted by its money) and why."""

    code: str
    name: str
    pk: int | None
    met: bool | None
    why: str
    numerator: int = 0  # what it adds above the line (a met target, paid fen …)
    denominator: int = 0  # and below it


@dataclass
class Indicator:
    key: str
    label: str
    rule: str
    weight: int
    numerator: int
    denominator: int
    money: bool = False  # numerator and denominator are fen
    lines: list[Line] = field(default_factory=list)
    unit: str = "个项目"

    @property
    def value(self) -> Decimal | None:
        return rules.share(self.numerator, self.denominator)

    @property
    def score(self) -> Decimal | None:
        return rules.weighted(self.value, self.weight)

    @property
    def met_lines(self) -> list[Line]:
        return [line for line in self.lines if line.met]

    @property
    def unmet_lines(self) -> list[Line]:
        return [line for line in self.lines if line.met is False]


@dataclass
class Evaluation:
    county: Division
    budget_year: int
    indicators: list[Indicator]
    citation: dict[str, Any]
    factor: str = ALLOCATION_FACTOR

    @property
    def total(self) -> Decimal | None:
        return rules.total_score(
            {i.key: i.value for i in self.indicators}, {i.key: i.weight for i in self.indicators}
        )

    @property
    def grade(self) -> str:
        return rules.grade(self.total)

    @property
    def rescaled(self) -> bool:
        """The total is taken over the applicable indicators' weights, not the plain sum of the scores shown."""
        return rules.rescaled(
            {i.key: i.value for i in self.indicators}, {i.key: i.weight for i in self.indicators}
        )

    @property
    def unscored_reason(self) -> str:
        """Why a county without a total has none (the ranking lists it unranked with this note)."""
        if self.total is not None:
            return ""
        if all(i.value is None for i in self.indicators):
            return UNSCORED_NOTHING
        return "可计的指标权重均为0"

    def indicator(self, key: str) -> Indicator:
        return next(i for i in self.indicators if i.key == key)


def _disbursement(weight: int, allocated_fen: int, records: CountyRecords) -> Indicator:
    lines = [
        Line(
            m.code, m.name, None, None,
            f"分配 {fen_to_wan(m.given_fen)} 万元，已支付 {fen_to_wan(m.paid_fen)} 万元", m.paid_fen, m.given_fen,
        )
        for m in records.money.values()
    ]  # fmt: skip
    unsplit = allocated_fen - sum(m.given_fen for m in records.money.values())
    paid_fen = sum(m.paid_fen for m in records.money.values())
    if unsplit > 0:
        lines.append(
            Line("", "尚未分配到项目的资金", None, False, f"{fen_to_wan(unsplit)} 万元未分配", 0, unsplit)
        )
    return Indicator(
        "disbursement", rules.INDICATORS["disbursement"], RULES["disbursement"], weight, paid_fen,
        allocated_fen, money=True, lines=lines, unit="万元",
    )  # fmt: skip


def _completion(weight: int, projects: Sequence[ProjectRecord]) -> Indicator:
    lines = []
    for p in projects:
        done = rules.completion_met(p.status, done_states=DONE_STATES)
        why = f"已{p.status_label}" if done else ("已终止，计为未完工" if p.status == ProjectStatus.TERMINATED
                                                 else f"尚未竣工（{p.status_label}）")  # fmt: skip
        lines.append(Line(p.code, p.name, p.pk, done, why, int(done), 1))
    return _counted("completion", weight, lines)


def _targets(weight: int, projects: Sequence[ProjectRecord]) -> Indicator:
    lines = []
    for p in projects:
        if p.status not in DONE_STATES or not p.targets:
            continue
        missing = p.targets - p.targets_recorded
        why = f"{p.targets} 项目标，{p.targets_met} 项已完成" + (f"，{missing} 项未填报" if missing else "")
        lines.append(Line(p.code, p.name, p.pk, p.targets_met == p.targets, why, p.targets_met, p.targets))
    indicator = _counted("targets", weight, lines)
    indicator.unit = "项目标"
    return indicator


def _notices(weight: int, projects: Sequence[ProjectRecord]) -> Indicator:
    lines = []
    for p in projects:
        done = p.status in DONE_STATES
        met = rules.notices_met(plan_posted=p.plan_posted, result_posted=p.result_posted, done=done)
        parts = ["实施计划已公示" if p.plan_posted else "实施计划未公示"]
        if done:
            parts.append("实施结果已公示" if p.result_posted else "已竣工，实施结果未公示")
        lines.append(Line(p.code, p.name, p.pk, met, "，".join(parts), int(met), 1))
    return _counted("notices", weight, lines)


def _linkage(weight: int, projects: Sequence[ProjectRecord]) -> Indicator:
    lines = []
    for p in projects:
        if not p.needs_linkage:
            continue
        met = rules.linkage_met(mechanisms=p.linkage_mechanisms, linked_people=p.linked_people)
        why = ("未明确联农带农机制" if not p.linkage_mechanisms else
               f"带动 {p.linked_people} 人" if p.linked_people else "带动人数为0")  # fmt: skip
        lines.append(Line(p.code, p.name, p.pk, met, why, int(met), 1))
    return _counted("linkage", weight, lines)


def _counted(key: str, weight: int, lines: list[Line]) -> Indicator:
    return Indicator(
        key, rules.INDICATORS[key], RULES[key], weight,
        sum(line.numerator for line in lines), sum(line.denominator for line in lines), lines=lines,
    )  # fmt: skip


def evaluate_counties(counties: Iterable[Division], budget_year: int) -> list[Evaluation]:
    """The evaluations of `counties` for `budget_year`, in the order given: one pass over the records."""
    chosen = list(counties)
    ids = [county.pk for county in chosen]
    parameter = parameter_for(ParameterKind.FUND_PERFORMANCE, year=budget_year)
    weights = {key: int(parameter.value.get(key, 0)) for key in rules.INDICATORS}
    citation = {"id": parameter.pk, "version": parameter.version, "year": parameter.year,
                "document": parameter.document}  # fmt: skip
    allocated = year_allocated(ids, budget_year)
    projects = year_projects(ids, budget_year)
    money = year_money(ids, budget_year)
    out = []
    for county in chosen:
        records = CountyRecords(projects=projects.get(county.pk, []), money=money.get(county.pk, {}))
        for record in records.projects:  # the current version's name for the money of the year's projects
            if record.code in records.money:
                records.money[record.code].name = record.name
        indicators = [
            _disbursement(weights["disbursement"], allocated.get(county.pk, 0), records),
            _completion(weights["completion"], records.projects),
            _targets(weights["targets"], records.projects),
            _notices(weights["notices"], records.projects),
            _linkage(weights["linkage"], records.projects),
        ]
        out.append(Evaluation(county, budget_year, indicators, citation))
    return out


def budget_year_known(year: int) -> bool:
    """A budget year the evaluation can be asked for: the 衔接 period up to next year."""
    return FIRST_YEAR <= year <= clock.today().year + 1


def county_evaluation(county: Division, budget_year: int) -> Evaluation:
    return evaluate_counties([county], budget_year)[0]


def prefecture_counties() -> list[Division]:
    scope = division_scope_filter([PREFECTURE_CODE], division_field="")
    assert scope is not None
    return list(Division.objects.filter(scope, level=DivisionLevel.COUNTY).order_by("code"))


def ranked(evaluations: Iterable[Evaluation]) -> list[Evaluation]:
    """Best total first; a county without a score last; ties by county code."""
    return sorted(evaluations, key=lambda e: (e.total is None, -(e.total or 0), e.county.code))


@dataclass(frozen=True)
class Place:
    """A county in the ranking: its place (None: no score, listed after the ranked ones) and its evaluation."""

    rank: int | None
    evaluation: Evaluation


def places(evaluations: Iterable[Evaluation]) -> list[Place]:
    """The ranking as the page and the report list it (P14): the counties with a score by place (equal totals
    share one), then those without, unranked."""
    ordered = ranked(evaluations)
    return [Place(rank, e) for rank, e in zip(rules.ranks([e.total for e in ordered]), ordered, strict=True)]


def all_counties_evaluation(budget_year: int) -> list[Evaluation]:
    """The prefecture's counties ranked (P14: one factor of next year's allocation)."""
    return ranked(evaluate_counties(prefecture_counties(), budget_year))


def performance_all_counties(budget_year: int) -> list[Evaluation]:
    """The benchmark's entry point (bench/funds.py): the yearly 绩效评价 of all 12 counties."""
    return all_counties_evaluation(budget_year)
