"""The synthetic asset register (P15) and 村级集体经济收入 (P11) drawn in memory from synth/rates.py, before
synth/assets.py writes them. Nothing here touches the database.

What the services keep holds by construction: an asset's value is split over the sources of what its project
was paid and no earlier asset took (policy.rules.assets.shares_of_value, the services' own rule), so a project's
assets never pass its payments; a project paid nothing gets none; a 资产移交 project's assets are all 移交; an
accepted project never has all of its assets 移交 (the last 移交 would have moved it on); an asset past 登记 has
its owner, one past 确权 its 移交 day and receiver, a disposed one its end day and reason; no day is after today."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from zhenxing.policy.rules.assets import (
    PLAN_2020_TIERS,
    collective_tier,
    remaining_by_source,
    shares_of_value,
)
from zhenxing.synth import rates

YEAR_DAYS = 365  # the asset_care parameter's inspection interval (shipped value)


@dataclass(frozen=True)
class AssetProjectRef:
    pk: int
    code: str
    name: str
    county_pk: int
    county_code: str
    division_pk: int
    division_code: str
    division_name: str
    category: str
    status: str  # "accepted" or "handed_over"
    accepted_on: datetime.date
    households: tuple[tuple[int, str], ...]  # (household pk, head's name) of a 到户 project
    paid: Mapping[str, int]  # fen by source, net of reversals


@dataclass(frozen=True)
class TypeRef:
    pk: int
    code: str
    name: str
    category: str
    sector_pk: int
    unit: str


@dataclass
class AssetDraft:
    project: AssetProjectRef
    code: str
    name: str
    type: TypeRef
    quantity: Decimal
    value_fen: int
    shares: dict[str, int]
    formed_on: datetime.date
    status: str = "registered"
    owner_kind: str = ""
    owner_name: str = ""
    owner_household: int | None = None
    ownership_document: str = ""
    owned_on: datetime.date | None = None
    handed_over_on: datetime.date | None = None
    receiver: str = ""
    care_unit: str = ""
    care_person: str = ""
    care_phone: str = ""
    condition: str = ""
    last_inspected_on: datetime.date | None = None
    inspection_due: datetime.date | None = None
    inspections: list[tuple[datetime.date, str, str]] = field(default_factory=list)
    incomes: list[tuple[int, int]] = field(default_factory=list)  # (year, fen)
    ended_on: datetime.date | None = None
    ended_reason: str = ""


@dataclass(frozen=True)
class StepDraft:
    step: str
    outcome: str
    action: str
    role: str
    on: datetime.date
    findings: str = ""


@dataclass
class DisposalDraft:
    asset: AssetDraft
    kind: str
    reason: str
    valuation_fen: int
    status: str
    applied_on: datetime.date
    needs_government: bool = False
    decided_on: datetime.date | None = None
    steps: list[StepDraft] = field(default_factory=list)


@dataclass
class PlanLineDraft:
    kind: str
    description: str
    amount_fen: int
    payouts: list[tuple[int, int, int]]  # (household pk, person pk, fen)


@dataclass
class PlanDraft:
    village_pk: int
    county_pk: int
    year: int
    title: str
    status: str
    started_on: datetime.date
    lines: list[PlanLineDraft]
    meetings: list[tuple[str, datetime.date, int, int, str]]  # kind, day, attendees, expected, minutes
    postings: list[tuple[str, str, datetime.date, datetime.date]]  # kind, place, from, until
    steps: list[StepDraft]
    implemented_on: datetime.date | None = None

    @property
    def income_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines)


@dataclass(frozen=True)
class VillageRef:
    pk: int
    code: str
    county_pk: int
    name: str
    has_tuopin: bool


@dataclass
class CollectiveDraft:
    village: VillageRef
    year: int
    amount_fen: int
    asset_income_fen: int
    tier: int


# the plan's steps in order (PlanStatus), with the move's label and role (assets/transitions.py PLAN)
PLAN_STEPS = (
    ("proposed", "discussed", "村两委会议商议", "village"),
    ("discussed", "reviewed", "党员大会审议", "village"),
    ("reviewed", "resolved", "村民(代表)会议决议", "village"),
    ("resolved", "audited", "乡镇审核通过", "township"),
    ("audited", "published", "决议公开", "village"),
    ("published", "implemented", "实施（发放到人）", "village"),
    ("implemented", "closed", "实施结果公开", "village"),
)
PLAN_MEETINGS = {"proposed": "party_branch", "discussed": "committees", "reviewed": "party_members",
                 "resolved": "villagers"}  # fmt: skip
_DAMAGE_NOTES = {
    "idle": "资产建成后未投入使用，处于闲置状态",
    "underused": "使用率低，收益明显低于预期",
    "damaged": "暴雨冲毁部分设施，无法正常使用",
}


class AssetDrafts:
    def __init__(
        self, *, projects: list[AssetProjectRef], types: Mapping[str, TypeRef], next_numbers: Mapping[str, int],
        seed: int, today: datetime.date,
    ) -> None:  # fmt: skip
        self.projects = sorted(projects, key=lambda p: p.code)
        self.types = types
        self.numbers = dict(next_numbers)  # code prefix → next five-digit number
        self.today = today
        self.rng = random.Random(f"assets:{seed}")  # noqa: S311 - reproducible from a seed, not secret

    # -- assets -----------------------------------------------------------------------------------------------
    def assets(self) -> list[AssetDraft]:
        out: list[AssetDraft] = []
        for project in self.projects:
            out += self._project_assets(project)
        return out

    def _code(self, county: str, year: int) -> str:
        prefix = f"ZC{county}{year}"
        number = self.numbers.get(prefix, 1)
        self.numbers[prefix] = number + 1
        return f"{prefix}{number:05d}"

    def _project_assets(self, project: AssetProjectRef) -> list[AssetDraft]:
        rng = self.rng
        stage = "handed_over"
        if project.status == "accepted":
            stage = str(rng.choices(list(rates.ASSET_ACCEPTED_STAGES),
                                    weights=list(rates.ASSET_ACCEPTED_STAGES.values()))[0])  # fmt: skip
        remaining = remaining_by_source(project.paid, {})
        total = sum(remaining.values())
        if stage == "not_yet" or total <= 0:
            return []
        if project.households:
            kinds = [rng.choice(rates.HOUSEHOLD_ASSET_TYPES)] * len(project.households)
        else:
            choices = rates.ASSET_TYPES_BY_CATEGORY.get(project.category)
            if not choices:
                return []
            count = rng.randint(*rates.ASSETS_PER_PROJECT)
            kinds = [choices[0]] + [rng.choice(choices) for _ in range(count - 1)]
        target = int(total * rng.uniform(*rates.ASSET_VALUE_SHARE))
        weights = [rng.uniform(0.5, 1.5) for _ in kinds]
        values = [max(1, int(target * w / sum(weights))) for w in weights]
        drafts = []
        for index, (kind, value) in enumerate(zip(kinds, values, strict=True)):
            shares = shares_of_value(value, remaining)
            if shares is None:  # nothing left (rounding): the project's assets stop here
                break
            for source, fen in shares.items():
                remaining[source] -= fen
            asset_type = self.types[kind]
            household = project.households[index] if project.households else None
            name = (
                f"{asset_type.name}（{household[1]}户）" if household
                else f"{project.name[:80]}{asset_type.name}"
            )  # fmt: skip
            drafts.append(
                AssetDraft(
                    project=project,
                    code=self._code(project.county_code, project.accepted_on.year),
                    name=name,
                    type=asset_type,
                    quantity=self._quantity(kind),
                    value_fen=value,
                    shares=shares,
                    formed_on=project.accepted_on,
                )
            )
        for index, draft in enumerate(drafts):
            if stage == "registered":
                continue
            self._own(draft, index)
            if stage == "handed_over" or (stage == "partly_handed_over" and index < len(drafts) - 1):
                self._hand_over(draft)
        return drafts

    def _quantity(self, kind: str) -> Decimal:
        rng = self.rng
        if kind == "road":
            return Decimal(f"{rng.uniform(0.5, 8):.2f}")
        if kind in ("livestock", "seedlings"):
            return Decimal(rng.randint(2, 10))
        return Decimal(1)

    def _own(self, draft: AssetDraft, index: int) -> None:
        project = draft.project
        on = min(project.accepted_on + datetime.timedelta(days=self.rng.randint(5, 20)), self.today)
        if project.households:
            household = project.households[index]
            draft.owner_kind, draft.owner_name, draft.owner_household = (
                "household",
                household[1],
                household[0],
            )
        elif len(project.division_code) == 12:
            draft.owner_kind, draft.owner_name = "collective", f"{project.division_name}股份经济合作社"
        else:
            draft.owner_kind, draft.owner_name = "unit", f"{project.division_name}人民政府"
        draft.status, draft.owned_on = "owned", on
        draft.ownership_document = f"{project.code}资产确权书"

    def _hand_over(self, draft: AssetDraft) -> None:
        rng = self.rng
        on = min(draft.owned_on or draft.formed_on, self.today)
        on = min(on + datetime.timedelta(days=rng.randint(*rates.ASSET_HANDOVER_DAYS)), self.today)
        draft.status, draft.handed_over_on, draft.receiver = "handed_over", on, draft.owner_name
        if rng.random() >= rates.ASSET_NO_CARE_UNIT:
            draft.care_unit = draft.owner_name if draft.owner_kind != "household" else "村民委员会"
            draft.care_person = f"{rng.choice('杨李张赵段王字何苏尹')}{rng.choice('建国华明丽芳兰英云龙')}"
            draft.care_phone = f"13{rng.randint(0, 9)}{rng.randrange(10**8):08d}"
        self._inspect(draft, on)
        self._income(draft)

    def _inspect(self, draft: AssetDraft, since: datetime.date) -> None:
        rng = self.rng
        overdue = rng.random() < rates.ASSET_INSPECTION_OVERDUE
        # an overdue asset's inspections stop more than a year before today
        last_day = (
            self.today - datetime.timedelta(days=YEAR_DAYS + rng.randint(10, 120)) if overdue else self.today
        )
        day = since + datetime.timedelta(days=rng.randint(150, 330))
        while day <= last_day:
            draft.inspections.append((day, "good", ""))
            day += datetime.timedelta(days=rng.randint(300, 360))
        last = draft.inspections[-1][0] if draft.inspections else since
        if not overdue and last + datetime.timedelta(days=YEAR_DAYS) < self.today:
            draft.inspections.append((self.today - datetime.timedelta(days=rng.randint(0, 60)), "good", ""))
        if draft.inspections:
            condition = str(rng.choices(list(rates.ASSET_CONDITION_WEIGHTS),
                                        weights=list(rates.ASSET_CONDITION_WEIGHTS.values()))[0])  # fmt: skip
            day = draft.inspections[-1][0]
            draft.inspections[-1] = (day, condition, _DAMAGE_NOTES.get(condition, ""))
            draft.condition, draft.last_inspected_on = condition, day
        draft.inspection_due = (draft.last_inspected_on or since) + datetime.timedelta(days=YEAR_DAYS)

    def _income(self, draft: AssetDraft) -> None:
        if (
            draft.type.category != "operating"
            or draft.condition in ("idle", "damaged")
            or not draft.handed_over_on
        ):
            return
        for year in range(draft.handed_over_on.year + 1, self.today.year):
            fen = round(draft.value_fen * self.rng.uniform(*rates.ASSET_INCOME_YIELD))
            if draft.condition == "underused":
                fen //= 4
            if fen > 0:
                draft.incomes.append((year, fen))

    # -- disposals --------------------------------------------------------------------------------------------
    def disposals(self, assets: list[AssetDraft], *, government_above_fen: int) -> list[DisposalDraft]:
        """Approved scraps of damaged assets (乡镇 → 行业部门, or → 县人民政府 above the threshold) and one
        application per county waiting for the township."""
        out = []
        rng = self.rng
        waiting: set[str] = set()
        for asset in assets:
            county = asset.project.county_code
            inspected = asset.last_inspected_on
            if asset.condition == "damaged" and inspected and rng.random() < rates.ASSET_SCRAPPED_OF_DAMAGED:
                applied: datetime.date = min(
                    inspected + datetime.timedelta(days=rng.randint(5, 30)), self.today
                )
                valuation = max(1, round(asset.value_fen * rng.uniform(0.05, 0.30)))
                government = valuation > government_above_fen
                days: list[datetime.date] = sorted(min(applied + datetime.timedelta(days=rng.randint(3, 40)), self.today)
                              for _ in range(3 if government else 2))  # fmt: skip
                steps = [
                    StepDraft(
                        "applied", "township_ok", "乡镇审核通过", "township", days[0], "情况属实，同意报废"
                    )
                ]
                if government:
                    steps += [
                        StepDraft("township_ok", "sector_ok", "县行业主管部门同意，报县人民政府", "county_sector",
                                  days[1], "同意报废，报县人民政府审批"),
                        StepDraft("sector_ok", "approved", "县人民政府批准", "county", days[2], "同意报废"),
                    ]  # fmt: skip
                else:
                    steps.append(StepDraft("township_ok", "approved", "县行业主管部门批准", "county_sector",
                                           days[1], "同意报废"))  # fmt: skip
                decided = days[-1]
                out.append(DisposalDraft(asset, "scrap", "设施损毁严重，修复费用超过重建费用，申请报废", valuation,
                                         "approved", applied, government, decided, steps))  # fmt: skip
                asset.status, asset.ended_on, asset.ended_reason = "disposed", decided, "报废（经批准的处置）"
            elif (
                county not in waiting and asset.status == "handed_over" and asset.condition in ("idle", "underused")
                and asset.type.category != "household"
            ):  # fmt: skip
                waiting.add(county)
                applied = max(asset.last_inspected_on or self.today, self.today - datetime.timedelta(days=10))
                valuation = max(1, round(asset.value_fen * rng.uniform(0.3, 0.6)))
                out.append(DisposalDraft(asset, "transfer", "资产长期闲置低效，拟公开转让，收入用于巩固拓展脱贫攻坚成果",
                                         valuation, "applied", applied,
                                         valuation > government_above_fen))  # fmt: skip
        return out

    # -- distribution plans -----------------------------------------------------------------------------------
    def plans(
        self, assets: list[AssetDraft], villages: Mapping[str, VillageRef],
        heads_of: Callable[[str], list[tuple[int, int]]],
    ) -> list[PlanDraft]:  # fmt: skip
        """A few plans per county of villages whose collective operating assets earned last year, spread over
        the steps of 四议两公开, paying heads of the village's households (registry members)."""
        rng = self.rng
        year = self.today.year - 1
        earned: dict[str, int] = {}
        for asset in assets:
            if asset.owner_kind == "collective" and asset.project.division_code in villages:
                for income_year, fen in asset.incomes:
                    if income_year == year:
                        earned[asset.project.division_code] = earned.get(asset.project.division_code, 0) + fen
        by_county: dict[int, list[str]] = {}
        for code in sorted(earned):
            by_county.setdefault(villages[code].county_pk, []).append(code)
        out = []
        order = [step[1] for step in PLAN_STEPS]
        for county_pk in sorted(by_county):
            codes = by_county[county_pk]
            for index, code in enumerate(rng.sample(codes, min(rates.ASSET_PLANS_PER_COUNTY, len(codes)))):
                heads = heads_of(code)
                if len(heads) < rates.ASSET_PLAN_PAYOUTS[0]:
                    continue
                target = ["proposed", *order][(county_pk + index * 3) % (len(order) + 1)]
                out.append(self._plan(villages[code], year, earned[code], heads, target))
        return out

    def _plan(
        self, village: VillageRef, year: int, income: int, heads: list[tuple[int, int]], target: str
    ) -> PlanDraft:
        rng = self.rng
        chosen = rng.sample(heads, min(len(heads), rng.randint(*rates.ASSET_PLAN_PAYOUTS)))
        labour_pot = max(len(chosen) * 100, income * 6 // 10)
        payouts = []
        weights = [rng.uniform(0.5, 2.0) for _ in chosen]
        for (household, person), weight in zip(chosen, weights, strict=True):
            payouts.append(
                (household, person, max(100, int(labour_pot * weight / sum(weights)) // 100 * 100))
            )
        lines = [
            PlanLineDraft("labour", "参与村内项目务工、公益岗位管护，按出工天数计酬",
                          sum(p[2] for p in payouts), payouts),
            PlanLineDraft("public_fund", "", max(100, income * 3 // 10), []),
            PlanLineDraft("upkeep", "", max(100, income // 10), []),
        ]  # fmt: skip
        start = datetime.date(self.today.year, 3, 1) + datetime.timedelta(days=rng.randint(0, 60))
        day = start
        meetings = [("party_branch", start, 5, 5, "村党组织提议上年资产收益分配方案")]
        steps, postings = [], []
        implemented = None
        for source, outcome, label, role in PLAN_STEPS:
            if source == target:
                break
            day = min(day + datetime.timedelta(days=rng.randint(3, 20)), self.today)
            steps.append(StepDraft(source, outcome, label, role, day, "同意" if role == "township" else ""))
            if outcome in ("discussed", "reviewed", "resolved"):
                kind = {"discussed": "committees", "reviewed": "party_members", "resolved": "villagers"}[
                    outcome
                ]
                expected = {"committees": 7, "party_members": 30, "villagers": 45}[kind]
                meetings.append((kind, day, expected - rng.randint(0, 4), expected, f"{label}通过"))
            if outcome == "published":
                postings.append(("resolution", "村务公开栏", day, day + datetime.timedelta(days=7)))
            if outcome == "implemented":
                implemented = day
            if outcome == "closed":
                postings.append(("result", "村务公开栏", day, day + datetime.timedelta(days=7)))
        return PlanDraft(
            village_pk=village.pk, county_pk=village.county_pk, year=year, title=f"{village.name}{year}年资产收益分配方案",
            status=target, started_on=steps[-1].on if steps else start, lines=lines, meetings=meetings,
            postings=postings, steps=steps, implemented_on=implemented,
        )  # fmt: skip

    # -- 村级集体经济收入 -------------------------------------------------------------------------------------
    def collective(
        self, villages: list[VillageRef], asset_income: Mapping[tuple[str, int], int],
        bounds_by_year: Mapping[int, list[int]],
    ) -> list[CollectiveDraft]:  # fmt: skip
        """Every village's income for the years: the 2020 tier by the plan's counts (villages with 脱贫户) or
        the estimate (others), a yearly growth after it, never below the village's asset income of the year."""
        rng = random.Random(f"collective:{self.rng.random()}")  # noqa: S311 - derived from the seed
        first, last = rates.COLLECTIVE_YEARS
        out = []
        for village in sorted(villages, key=lambda v: v.code):
            weights = PLAN_2020_TIERS if village.has_tuopin else rates.COLLECTIVE_OTHER_TIER_WEIGHTS
            tier = rng.choices(range(4), weights=weights)[0]
            low, high = rates.COLLECTIVE_TIER_RANGES[tier]
            yuan = rng.uniform(low, high)
            for year in range(first, last + 1):
                if year > first:
                    yuan *= 1 + rng.uniform(*rates.COLLECTIVE_GROWTH)
                part = asset_income.get((village.code, year), 0)
                fen = max(round(yuan) * 100, part)
                out.append(
                    CollectiveDraft(village, year, fen, part, collective_tier(fen, bounds_by_year[year]))
                )
        return out
