"""Synthetic projects of the library (P14), drawn from the project rates in synth/rates.py, deterministic for a
seed. Pure: the places, categories and households come in as references (synth/projects.py reads them), and
each project comes out as a `Draft` of plain values that synth/projects.py turns into rows.

A project's history is written as data, like the rest of the synthetic Dali: its status today, the dates that
status implies (decision, start, completion, acceptance) and one step record for the step that put it there,
not every move. Dates never pass `today`; working days are counted as Monday to Friday (holidays do not matter
for synthetic deadlines)."""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from zhenxing.divisions.codes import county_of, township_of
from zhenxing.policy.rules.projects import LINKAGE_MECHANISMS
from zhenxing.projects.enums import LIBRARY_STATES, ProjectStatus
from zhenxing.synth import rates
from zhenxing.synth.generator import Picker

S = ProjectStatus
ORDER = (S.PROPOSED, S.TOWNSHIP_REVIEW, S.DEPARTMENT_REVIEW, S.COUNTY_REVIEW, S.PREFECTURE_DECISION)
EXECUTION = (S.RESERVED, S.STARTED, S.BUILDING, S.COMPLETED, S.ACCEPTED, S.HANDED_OVER)
ENTRY = {"village": S.PROPOSED, "township": S.TOWNSHIP_REVIEW, "county": S.DEPARTMENT_REVIEW}
EMERGENCY_CATEGORIES = (
    "construction_roads",
    "construction_water",
    "three_guarantees",
    "construction_environment",
)
HOUSEHOLD_CATEGORIES = ("industry_planting", "industry_breeding", "employment_subsidy")
# the prefecture decides each county's list in two rounds a year (州领导小组审定)
DECISION_ROUNDS = ((4, 15), (8, 20))

# name patterns, what is built, its scale (a number in the range and its unit) and the output indicator
TEXT: dict[str, tuple[tuple[str, ...], str, tuple[int, int], str, str]] = {
    "industry_planting": (("核桃提质增效", "高原特色蔬菜种植基地", "中药材种植", "茶叶提质增效"), "种植基地建设及配套", (100, 2000), "亩", "新建或改造种植面积"),
    "industry_breeding": (("肉牛养殖小区", "生猪标准化养殖场", "乌骨鸡养殖", "黑山羊养殖"), "圈舍及配套设施建设", (300, 3000), "平方米", "新建圈舍面积"),
    "industry_processing": (("农产品初加工厂房", "冷链仓储保鲜设施", "核桃初加工车间"), "厂房及设备购置", (200, 2000), "平方米", "新建厂房面积"),
    "industry_tourism": (("乡村旅游基础设施", "民宿示范点", "田园观光步道"), "旅游配套设施建设", (500, 5000), "平方米", "新建旅游设施面积"),
    "industry_facilities": (("产业路建设", "生产便道建设", "高效节水灌溉管网"), "产业配套基础设施", (1, 12), "公里", "新建配套设施长度"),
    "employment_subsidy": (("脱贫劳动力外出务工交通补助",), "对外出务工脱贫劳动力给予一次性交通补助", (50, 800), "人", "补助人数"),
    "employment_training": (("农村劳动力技能培训",), "开展种养殖、家政、电工等技能培训", (50, 600), "人次", "培训人次"),
    "employment_public_jobs": (("乡村公益性岗位",), "开发护林、保洁、水管等乡村公益性岗位", (10, 120), "个", "开发岗位数"),
    "construction_roads": (("道路硬化", "通组路建设", "入户路硬化"), "村组道路硬化", (1, 15), "公里", "新建硬化道路长度"),
    "construction_water": (("饮水安全巩固提升", "供水管网改造", "自来水入户管网延伸"), "供水设施及管网建设", (2, 30), "公里", "新建或改造供水管网"),
    "construction_environment": (("人居环境整治", "污水收集处理", "垃圾收集设施"), "村庄人居环境整治", (1, 20), "处", "建成整治点"),
    "construction_services": (("村级综合服务设施", "卫生室改造", "文化活动广场"), "公共服务设施建设", (200, 1500), "平方米", "建成服务设施面积"),
    "relocation_support": (("易地搬迁安置点配套产业", "安置点就业帮扶车间"), "安置点后续扶持设施", (200, 2000), "平方米", "建成帮扶车间面积"),
    "three_guarantees": (("农村危房改造", "学校附属设施改造", "村卫生室设备购置"), "巩固住房、教育、医疗保障", (5, 80), "户（所）", "完成改造数"),
    "governance": (("乡村治理积分超市", "村规民约宣传阵地"), "乡村治理和精神文明建设", (1, 10), "处", "建成数"),
    "management_fee": (("项目管理费",), "项目前期设计、评审、招标、监理及验收", (1, 1), "项", "保障项目管理"),
    "other": (("巩固衔接其他项目",), "其他巩固拓展脱贫攻坚成果项目", (1, 10), "项", "完成建设任务"),
}  # fmt: skip
ADJUSTMENT_REASONS = (
    "建设地点调整：原址涉及基本农田，改至相邻地块",
    "建设内容和规模调整：经设计复核，增加部分工程量",
    "资金来源调整：县级配套资金到位变化",
    "实施方案调整：群众议事会意见，调整建设线路",
)
WITHDRAWAL_REASONS = (
    "前期工作不成熟，不具备实施条件，调出项目库",
    "与其他项目重复，合并实施",
    "群众意愿变化，项目停止实施",
    "用地手续无法办理，调出项目库",
)
RETURN_REASONS = ("绩效目标不明确，请补充", "建设规模与投资不匹配，请核实", "联农带农机制不具体，请补充")


@dataclass(frozen=True)
class PlaceRef:
    """An administrative village and its natural villages (ids and names, from the registry)."""

    id: int
    code: str
    short_name: str
    natural: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class CategoryRef:
    id: int
    code: str
    sector_id: int
    sector_name: str
    needs_linkage: bool


@dataclass
class References:
    villages: Sequence[PlaceRef]  # ordered by code
    division_ids: dict[str, int]  # county and township codes → division id
    division_names: dict[str, str]
    categories: dict[str, CategoryRef]
    households: Callable[[str], list[int]]  # a village code → its registry households' ids, ordered
    next_sequence: dict[tuple[str, int], int]  # (county code, year) → first free project number
    step_limits: dict[str, int]  # review state → working days (the project_procedure parameter)


@dataclass
class Draft:
    """One version of a project as plain values: `values` are Project fields (foreign keys by `*_id`)."""

    values: dict[str, Any]
    places: list[tuple[int, int | None]]  # (village id, natural village id)
    sources: dict[str, int]  # fund source → fen
    targets: list[tuple[str, str, str]]
    households: list[int]
    step: dict[str, Any]  # the one step record (ProjectStep fields)
    batch: tuple[str, datetime.date] | None = None  # (county code, decision day) of its 州审定 batch
    previous: Draft | None = None  # an adjustment's previous version
    extra_steps: list[dict[str, Any]] = field(default_factory=list)


def add_weekdays(day: datetime.date, days: int) -> datetime.date:
    step = 1 if days >= 0 else -1
    left = abs(days)
    while left:
        day += datetime.timedelta(days=step)
        if day.weekday() < 5:
            left -= 1
    return day


class ProjectDrafts:
    def __init__(self, refs: References, *, seed: int, per_year: int, today: datetime.date) -> None:
        self.refs = refs
        self.rng = random.Random(seed * 7919 + 17)  # noqa: S311 - reproducible from a seed, not secret
        self.per_year = per_year
        self.today = today
        self.years = list(range(today.year - rates.PROJECT_YEARS + 1, today.year + 1))
        self.level = Picker(rates.PROJECT_LEVEL_WEIGHTS)
        self.category = Picker(rates.PROJECT_CATEGORY_WEIGHTS)
        self.other_source = Picker(rates.PROJECT_OTHER_SOURCE_WEIGHTS)
        self.emergency_kind = Picker(rates.PROJECT_EMERGENCY_KIND_WEIGHTS)
        self.status = {age: Picker(weights) for age, weights in rates.PROJECT_STATUS_BY_AGE.items()}
        self.by_township: dict[str, list[PlaceRef]] = {}
        self.by_county: dict[str, list[PlaceRef]] = {}
        for village in refs.villages:
            self.by_township.setdefault(township_of(village.code), []).append(village)
            self.by_county.setdefault(county_of(village.code), []).append(village)
        eligible = sum(rates.PROJECT_CATEGORY_WEIGHTS[c] for c in HOUSEHOLD_CATEGORIES)
        # 到户 is drawn among village projects of the household categories, so that the overall share is the rate
        self.households_chance = min(
            1.0, rates.PROJECT_TO_HOUSEHOLDS / (eligible * rates.PROJECT_LEVEL_WEIGHTS["village"])
        )

    # -- the whole run ----------------------------------------------------------------------------------------
    def drafts(self) -> list[Draft]:
        out: list[Draft] = []
        for year in self.years:
            for _ in range(self.per_year):
                out.extend(self.project(year))
        return out

    def _rounds(self, year: int) -> list[datetime.date]:
        """The year's 州审定 days that have passed (a week before today at the latest)."""
        days = [datetime.date(year, m, d) for m, d in DECISION_ROUNDS]
        return [day for day in days if day <= self.today - datetime.timedelta(days=7)]

    def _code(self, county: str, year: int) -> str:
        key = (county, year)
        sequence = self.refs.next_sequence.get(key, 1)
        self.refs.next_sequence[key] = sequence + 1
        return f"{county}{year}{sequence:04d}"

    def _day_between(self, first: datetime.date, last: datetime.date) -> datetime.date:
        last = min(last, self.today)
        if last <= first:
            return min(first, self.today)
        return first + datetime.timedelta(days=self.rng.randrange((last - first).days + 1))

    # -- one project (one or two versions) ----------------------------------------------------------------------
    def project(self, year: int) -> list[Draft]:
        rng = self.rng
        age = self.today.year - year
        emergency = rng.random() < rates.PROJECT_EMERGENCY
        level = "county" if emergency else str(self.level(rng))
        category = rng.choice(EMERGENCY_CATEGORIES) if emergency else str(self.category(rng))
        if category == "management_fee":
            level = "county"  # a county's own cost of running its projects
        village = self.refs.villages[rng.randrange(len(self.refs.villages))]
        county, township = county_of(village.code), township_of(village.code)
        status = str(self.status[min(age, 4)](rng))
        rounds = self._rounds(year)
        if status in LIBRARY_STATES and not rounds:
            status = S.PREFECTURE_DECISION  # nothing decided yet this year
        entry = S.COUNTY_REVIEW if emergency else ENTRY[level]
        if status in ORDER and ORDER.index(status) < ORDER.index(entry):
            status = entry
        if emergency and status == S.PREFECTURE_DECISION:
            status = S.COUNTY_REVIEW  # the county's 审核 puts an emergency project into the library
        withdrawn = adjusted = False
        if status in LIBRARY_STATES:
            withdrawn = rng.random() < rates.PROJECT_WITHDRAWN
            adjusted = not withdrawn and len(rounds) > 1 and rng.random() < rates.PROJECT_ADJUSTED
        places = self._places(level, village, county, township)
        division = {
            "village": village.id,
            "township": self.refs.division_ids[township],
            "county": self.refs.division_ids[county],
        }[level]
        draft = self._draft(
            year=year, county=county, level=level, category=category, division=division, places=places,
            emergency=emergency, code=self._code(county, year), version=1,
        )  # fmt: skip
        if adjusted:
            return self._adjusted(draft, status, rounds)
        self._history(draft, status, rounds, withdrawn=withdrawn)
        return [draft]

    def _places(
        self, level: str, village: PlaceRef, county: str, township: str
    ) -> list[tuple[PlaceRef, int | None]]:
        rng = self.rng
        if level == "village":
            natural = (
                village.natural[rng.randrange(len(village.natural))][0]
                if village.natural and rng.random() < 0.5
                else None
            )
            return [(village, natural)]
        pool = self.by_township[township] if level == "township" else self.by_county[county]
        chosen = rng.sample(pool, min(len(pool), rng.randint(1, 3 if level == "township" else 4)))
        if village not in chosen:
            chosen[0] = village
        return [(v, None) for v in sorted(chosen, key=lambda v: v.code)]

    def _amount(self, level: str) -> int:
        median, sigma, low, high = rates.PROJECT_AMOUNT_WAN[level]
        wan = min(high, max(low, math.exp(math.log(median) + sigma * self.rng.gauss(0, 1))))
        return round(wan * 100) * 10_000  # to the 100 元: 1 万元 = 1,000,000 fen

    def _sources(self, total: int) -> dict[str, int]:
        rng = self.rng
        if rng.random() < rates.PROJECT_CENTRAL_ONLY:
            return {"central": total}
        central = round(total * rng.uniform(*rates.PROJECT_CENTRAL_SHARE) / 10_000) * 10_000
        central = min(max(central, 10_000), total)
        rest = total - central
        if rest <= 0:
            return {"central": total}
        others: list[str] = []
        for _ in range(rng.randint(1, 3)):
            source = str(self.other_source(rng))
            if source not in others:
                others.append(source)
        sources = {"central": central}
        for index, source in enumerate(others):
            share = (
                rest if index == len(others) - 1 else round(rest * rng.uniform(0.3, 0.7) / 10_000) * 10_000
            )
            sources[source] = share
            rest -= share
        return {s: a for s, a in sources.items() if a > 0}

    def _draft(
        self, *, year: int, county: str, level: str, category: str, division: int,
        places: list[tuple[PlaceRef, int | None]], emergency: bool, code: str, version: int,
    ) -> Draft:  # fmt: skip
        rng = self.rng
        ref = self.refs.categories[category]
        names, content, (low, high), unit, indicator = TEXT[category]
        first = places[0][0]
        where = {
            "village": first.short_name,
            "township": self.refs.division_names[township_of(first.code)],
        }.get(level, self.refs.division_names[county])
        amount = rng.randint(low, high)
        name = (
            f"{year}年{self.refs.division_names[county]}{names[0]}"
            if category == "management_fee"
            else f"{where}{rng.choice(names)}"
        )
        unit_name = {
            "village": self.refs.division_names[township_of(first.code)] + "人民政府",
            "township": self.refs.division_names[township_of(first.code)] + "人民政府",
            "county": f"{self.refs.division_names[county]}{ref.sector_name}局",
        }[level]
        total = self._amount(level)
        beneficiaries = rng.randint(30, 600)
        households: list[int] = []
        if level == "village" and category in HOUSEHOLD_CATEGORIES and rng.random() < self.households_chance:
            pool = self.refs.households(first.code)
            if pool:
                households = rng.sample(pool, min(len(pool), rng.randint(*rates.PROJECT_HOUSEHOLDS)))
        values: dict[str, Any] = {
            "code": code, "version": version, "name": name[:200], "year": year, "category_id": ref.id,
            "sector_id": ref.sector_id, "level": level, "county_id": self.refs.division_ids[county],
            "division_id": division, "implementing_unit": unit_name[:100], "content": content,
            "scale": f"{amount}{unit}", "total_fen": total, "to_households": bool(households),
            "emergency": emergency, "emergency_kind": str(self.emergency_kind(rng)) if emergency else "",
            "emergency_reason": "突发灾情造成设施损毁，影响群众生产生活，须抢修恢复" if emergency else "",
        }  # fmt: skip
        if ref.needs_linkage:
            values["linkage_mechanisms"] = rng.sample(sorted(LINKAGE_MECHANISMS), rng.randint(1, 3))
            values["linked_tuopin_people"] = rng.randint(10, 300)
            values["linked_monitoring_people"] = rng.randint(0, 30)
        targets = [
            ("output", indicator, f"≥{amount}{unit}"),
            ("benefit", "受益脱贫人口（含监测对象）", f"≥{beneficiaries}人"),
            ("satisfaction", "受益群众满意度", f"≥{rng.choice((85, 90, 95))}%"),
        ]
        return Draft(
            values=values, places=[(v.id, n) for v, n in places], sources=self._sources(total), targets=targets,
            households=households, step={},
        )  # fmt: skip

    # -- where it stands today ------------------------------------------------------------------------------------
    def _history(
        self, draft: Draft, status: str, rounds: list[datetime.date], *, withdrawn: bool = False
    ) -> None:
        rng = self.rng
        v = draft.values
        year = v["year"]
        proposed_on = self._day_between(datetime.date(year - 1, 10, 1), datetime.date(year, 3, 1))
        if v["year"] == self.today.year and status not in LIBRARY_STATES:
            proposed_on = self._day_between(
                datetime.date(year, 1, 2), self.today - datetime.timedelta(days=3)
            )
        if status in LIBRARY_STATES:
            self._decided(draft, status, rng.choice(rounds), withdrawn=withdrawn)
            return
        v["status"] = status
        self._plan(v, proposed_on + datetime.timedelta(days=120))
        entry = S.COUNTY_REVIEW if v["emergency"] else ENTRY[v["level"]]
        step = {"step": entry, "outcome": entry, "action": "应急申报" if v["emergency"] else "申报",
                "actor_role": {"village": "village", "township": "township", "county": "county_sector"}[v["level"]],
                "started_on": proposed_on, "done_on": proposed_on}  # fmt: skip
        if v["emergency"]:
            step["actor_role"] = "county"
        if status in self.refs.step_limits:
            limit = self.refs.step_limits[status]
            if rng.random() < rates.PROJECT_LATE:  # waiting past its due day
                started = add_weekdays(self.today, -(limit + rng.randint(1, 15)))
            else:
                started = add_weekdays(self.today, -rng.randint(0, max(0, limit - 1)))
            started = max(started, proposed_on)
            v["step_started_on"], v["step_due"] = started, add_weekdays(started, limit)
            if status == entry:  # proposed at its own level: the step began with the proposal
                step.update(started_on=started, done_on=started)
            else:  # the step before passed it on
                step.update(step=ORDER[ORDER.index(status) - 1], outcome=status, action="审核通过",
                            actor_role=_reviewer(ORDER[ORDER.index(status) - 1]), done_on=started,
                            started_on=proposed_on, findings="同意")  # fmt: skip
        elif status == S.PROPOSED:
            v["step_started_on"] = proposed_on
        elif status in (S.RETURNED, S.CANCELLED):
            returned_on = self._day_between(proposed_on, self.today - datetime.timedelta(days=1))
            v["step_started_on"] = returned_on if status == S.RETURNED else None
            reviewer = (
                S.COUNTY_REVIEW
                if v["emergency"]
                else (S.TOWNSHIP_REVIEW if v["level"] == "village" else entry)
            )
            step.update(step=reviewer, outcome=S.RETURNED, action="退回", actor_role=_reviewer(reviewer),
                        started_on=proposed_on, done_on=returned_on, findings=rng.choice(RETURN_REASONS))  # fmt: skip
            if status == S.CANCELLED:
                draft.extra_steps.append({"step": S.RETURNED, "outcome": S.CANCELLED, "action": "撤销申报",
                                          "actor_role": step["actor_role"], "started_on": returned_on,
                                          "done_on": returned_on, "findings": "经研究不再申报"})  # fmt: skip
        draft.step = step

    def _plan(self, v: dict[str, Any], start: datetime.date) -> None:
        v["starts_on"] = start
        v["ends_on"] = start + datetime.timedelta(days=self.rng.randint(90, 360))

    def _decided(self, draft: Draft, status: str, decided_on: datetime.date, *, withdrawn: bool) -> None:
        """In the library (or 出库 from it): decided on a round's day, then as far as `status` says."""
        rng = self.rng
        v = draft.values
        v["decided_on"] = decided_on
        self._plan(v, decided_on + datetime.timedelta(days=30))
        if v["emergency"]:
            step = {"step": S.COUNTY_REVIEW, "outcome": S.RESERVED, "action": "审核通过（应急，州级备案）",
                    "actor_role": "county", "findings": "同意应急实施"}  # fmt: skip
        else:
            draft.batch = (county_of(v["code"]), decided_on)
            step = {"step": S.PREFECTURE_DECISION, "outcome": S.RESERVED, "action": "州审定入库",
                    "actor_role": "prefecture", "findings": "同意入库"}  # fmt: skip
        draft.step = {
            **step,
            "started_on": decided_on - datetime.timedelta(days=rng.randint(10, 25)),
            "done_on": decided_on,
        }
        reached = status
        if withdrawn:
            reached = rng.choice((S.RESERVED, S.RESERVED, S.STARTED, S.BUILDING))
        index = EXECUTION.index(reached)
        day = decided_on
        if index >= 1:
            day = v["started_on"] = self._day_between(
                day + datetime.timedelta(days=10), day + datetime.timedelta(days=60)
            )
            if v["emergency"] and rng.random() < rates.PROJECT_FILED:
                v["prefecture_filed_on"] = self._day_between(day, day + datetime.timedelta(days=30))
        if index >= 3:
            day = v["completed_on"] = self._day_between(
                day + datetime.timedelta(days=60), day + datetime.timedelta(days=300)
            )
        if index >= 4:
            day = v["accepted_on"] = self._day_between(
                day + datetime.timedelta(days=15), day + datetime.timedelta(days=60)
            )
        v["status"] = reached
        # the day it reached its state, as the workflow keeps it (common/workflow.py): a later move's step record
        # starts there (projects_projectstep.started_on is required)
        v["step_started_on"] = day
        if withdrawn:
            day = self._day_between(day + datetime.timedelta(days=5), day + datetime.timedelta(days=120))
            v["status"], v["withdrawn_reason"] = S.WITHDRAWN, rng.choice(WITHDRAWAL_REASONS)
            v["step_started_on"] = day
            draft.extra_steps.append({"step": reached, "outcome": S.WITHDRAWN, "action": "出库", "actor_role": "county",
                                      "started_on": day, "done_on": day, "findings": v["withdrawn_reason"]})  # fmt: skip

    def _adjusted(self, first: Draft, status: str, rounds: list[datetime.date]) -> list[Draft]:
        """项目调整: the first version decided in the first round and kept as 已调整; the second, with changed
        money, decided in the second round, carries on to `status`."""
        rng = self.rng
        self._decided(first, S.RESERVED, rounds[0], withdrawn=False)
        first.values["status"] = S.ADJUSTED
        values = dict(first.values)
        _, _, low, high = rates.PROJECT_AMOUNT_WAN[values["level"]]
        total = round(values["total_fen"] * rng.uniform(0.85, 1.25) / 10_000) * 10_000
        total = min(max(total, round(low * 1_000_000)), round(high * 1_000_000))
        values.update(version=2, total_fen=total, adjustment_reason=rng.choice(ADJUSTMENT_REASONS),
                      emergency=False, emergency_kind="", emergency_reason="")  # fmt: skip
        second = Draft(
            values=values, places=list(first.places), sources=self._sources(values["total_fen"]),
            targets=list(first.targets), households=list(first.households), step={}, previous=first,
        )  # fmt: skip
        for key in ("started_on", "completed_on", "accepted_on", "prefecture_filed_on"):
            values.pop(key, None)
        self._decided(second, status, rounds[1], withdrawn=False)
        first.extra_steps.append({"step": S.RESERVED, "outcome": S.ADJUSTED, "action": "被调整版本替代",
                                  "actor_role": "", "started_on": rounds[1], "done_on": rounds[1],
                                  "findings": "经调整，由第2版替代"})  # fmt: skip
        return [first, second]


def _reviewer(step: str) -> str:
    roles: dict[str, str] = {
        S.PROPOSED: "village", S.TOWNSHIP_REVIEW: "township", S.DEPARTMENT_REVIEW: "county_sector",
        S.COUNTY_REVIEW: "county", S.PREFECTURE_DECISION: "prefecture",
    }  # fmt: skip
    return roles[step]
