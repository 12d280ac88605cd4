"""The villages' 村级集体经济收入 read back (P11, P15): a year's villages in scope with their income, its project-asset
part, the tier (as stored with the parameter it cites), last year's tier and the change; and the tier table —
villages with 脱贫 population per tier, per county, against the plan's end-of-2020 figures (15 / 546 / 309 / 274
of 1,144) — with the tier moves between the year and the one before.

Who sees what: the territorial roles their villages (selectors.collective_income_list_for_user); a county sector
department has no village and is refused (403), like finance, department and admin (no VIEW_ASSETS). A township
or village user is listed every village of its scope (the township enters them); the county and the prefecture
see the villages that have a figure in the year or the year before (1,159 villages are too many to list blank)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, Q

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import Role
from zhenxing.accounts.scoping import user_scope
from zhenxing.assets.models import CollectiveIncome
from zhenxing.assets.selectors import collective_income_list_for_user
from zhenxing.audit import services as audit
from zhenxing.common.errors import PermissionDenied
from zhenxing.common.xlsx import Workbook
from zhenxing.divisions.models import Division
from zhenxing.policy.rules.assets import PLAN_2020_TIERS, PLAN_2020_VILLAGES, TIER_LABELS

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

TIERS = tuple(range(len(TIER_LABELS)))
UP, DOWN, SAME = "↑", "↓", "="
ENTRY_ROLES = (Role.TOWNSHIP,)
LISTED_BLANK_ROLES = (Role.TOWNSHIP, Role.VILLAGE)  # every village of the scope, with or without a figure


def require_viewer(user: User) -> None:
    """The territorial roles only: a sector department has no village (403)."""
    if not has_capability(user, Capability.VIEW_ASSETS) or user.role == Role.COUNTY_SECTOR:
        raise PermissionDenied("您的角色不能查看村级集体经济收入")


def villages_in_scope(user: User) -> list[Division]:
    """The villages under the user's divisions (a township's: the villages it enters), in code order."""
    prefixes = user_scope(user).prefixes
    if not prefixes:
        return []
    villages = Division.objects.filter(level="village")
    condition = Q()
    for prefix in prefixes:
        condition |= Q(code__startswith=prefix)
    return list(villages.filter(condition).order_by("code"))


def change_of(this_tier: int | None, last_tier: int | None) -> str:
    """↑ / ↓ / = between last year's tier and this year's; "" when either year has no figure."""
    if this_tier is None or last_tier is None:
        return ""
    return UP if this_tier > last_tier else DOWN if this_tier < last_tier else SAME


@dataclass(frozen=True)
class VillageRow:
    village: Division
    this: CollectiveIncome | None
    last: CollectiveIncome | None

    @property
    def tier_label(self) -> str:
        return TIER_LABELS[self.this.tier] if self.this else ""

    @property
    def last_tier_label(self) -> str:
        return TIER_LABELS[self.last.tier] if self.last else ""

    @property
    def change(self) -> str:
        return change_of(self.this.tier if self.this else None, self.last.tier if self.last else None)


def village_rows(*, user: User, year: int) -> list[VillageRow]:
    require_viewer(user)
    incomes = (
        collective_income_list_for_user(user=user)
        .filter(year__in=(year, year - 1))
        .select_related("village", "village__parent")
    )
    by_village: dict[int, dict[int, CollectiveIncome]] = {}
    for income in incomes:
        by_village.setdefault(income.village_id, {})[income.year] = income
    if user.role in LISTED_BLANK_ROLES:
        villages = villages_in_scope(user)
    else:
        seen = {i.village_id: i.village for years in by_village.values() for i in years.values()}
        villages = sorted(seen.values(), key=lambda v: v.code)
    rows = []
    for village in villages:
        years = by_village.get(village.pk, {})
        rows.append(VillageRow(village, years.get(year), years.get(year - 1)))
    return rows


# the tier table


@dataclass
class TierRow:
    county: Division | None  # None: the whole of the table (全州 or the county itself)
    counts: list[int] = field(default_factory=lambda: [0] * len(TIERS))

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class TierTable:
    year: int
    rows: list[TierRow]
    total: TierRow
    moved_up: int = 0
    moved_down: int = 0
    stayed: int = 0
    # (from tier, to tier) → villages, for the year-1 → year moves
    moves: dict[tuple[int, int], int] = field(default_factory=dict)

    @property
    def plan_2020(self) -> list[tuple[str, int, int, int]]:
        """(tier label, this year's count, the plan's 2020 count, the difference) for each tier."""
        return [
            (
                TIER_LABELS[t],
                self.total.counts[t],
                PLAN_2020_TIERS[t],
                self.total.counts[t] - PLAN_2020_TIERS[t],
            )
            for t in TIERS
        ]

    @property
    def plan_2020_villages(self) -> int:
        return PLAN_2020_VILLAGES

    @property
    def compared(self) -> int:
        return self.moved_up + self.moved_down + self.stayed


def tier_table(*, user: User, year: int) -> TierTable:
    """Villages with 脱贫 population (the plan counts these) per tier in `year`, per county in scope, and the
    tier moves of the villages that have a figure in both years (P11)."""
    require_viewer(user)
    scoped = collective_income_list_for_user(user=user)
    counties = {c.code: c for c in Division.objects.filter(level="county")}
    per_county: dict[str, TierRow] = {}
    total = TierRow(county=None)
    grouped = (
        scoped.filter(year=year, has_tuopin_population=True)
        .order_by()
        .values("county__code", "tier")
        .annotate(n=Count("id"))
    )
    for item in grouped:
        code, tier, n = str(item["county__code"]), int(item["tier"]), int(item["n"])
        row = per_county.setdefault(code, TierRow(county=counties[code]))
        row.counts[tier] += n
        total.counts[tier] += n
    table = TierTable(year=year, rows=[per_county[c] for c in sorted(per_county)], total=total)
    before = dict(scoped.filter(year=year - 1).values_list("village_id", "tier"))
    for village_id, tier in scoped.filter(year=year, village_id__in=list(before)).values_list(
        "village_id", "tier"
    ):
        was = before[village_id]
        table.moves[(was, tier)] = table.moves.get((was, tier), 0) + 1
        if tier > was:
            table.moved_up += 1
        elif tier < was:
            table.moved_down += 1
        else:
            table.stayed += 1
    return table


def tier_table_export(*, actor: User, year: int) -> bytes:
    """The tier table as .xlsx (one sheet per part), audited as asset.export."""
    table = tier_table(user=actor, year=year)
    book = Workbook()
    sheet = book.add_sheet("分档统计")
    sheet.cell(0, 0, f"{year}年村级集体经济收入分档（有脱贫人口的村）", book.bold)
    sheet.row(1, 0, ("县(市)代码", "县(市)", *TIER_LABELS, "合计"), book.bold)
    line = 2
    for row in table.rows:
        county = row.county
        sheet.row(
            line, 0, (county.code if county else "", county.name if county else "", *row.counts, row.total)
        )
        line += 1
    sheet.row(line, 0, ("", "合计", *table.total.counts, table.total.total), book.bold)
    compare = book.add_sheet("与2020年对比")
    compare.row(0, 0, ("收入档次", f"{year}年", "2020年底（规划）", "增减"), book.bold)
    for index, (label, now, plan, difference) in enumerate(table.plan_2020, start=1):
        compare.row(index, 0, (label, now, plan, difference))
    compare.row(
        len(TIERS) + 1,
        0,
        ("合计", table.total.total, PLAN_2020_VILLAGES, table.total.total - PLAN_2020_VILLAGES),
    )
    moves = book.add_sheet("档次变化")
    moves.row(0, 0, (f"{year - 1}年档次", f"{year}年档次", "村数"), book.bold)
    for index, ((was, now_tier), n) in enumerate(sorted(table.moves.items()), start=1):
        moves.row(index, 0, (TIER_LABELS[was], TIER_LABELS[now_tier], n))
    base = len(table.moves) + 2
    for offset, (label, n) in enumerate(
        (("上升", table.moved_up), ("下降", table.moved_down), ("持平", table.stayed))
    ):
        moves.row(base + offset, 0, (label, "", n))
    content = book.finish()
    scope = actor.jurisdiction
    with transaction.atomic():
        audit.record(
            actor=actor, action="asset.export", target=("assets.collectiveincome", "*"), division=scope,
            new={"report": "村级集体经济收入分档", "year": year, "rows": len(table.rows)},
        )  # fmt: skip
    return content
